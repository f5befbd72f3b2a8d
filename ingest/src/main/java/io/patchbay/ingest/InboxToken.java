package io.patchbay.ingest;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One bearer token of the HTTP inbox, as configured: its name (the submitter id), the sha256 of the
 * token (the token itself is never held), the domains it may submit to ({@code *} for all), an
 * optional rate limit of its own, and what it may do there.
 *
 * @param requestsPerMinute null for the inbox's default limit
 * @param scopes what the token may do; none given means {@link Scope#DEFAULT} (submit only)
 */
public record InboxToken(String name, String sha256, Set<String> domains, Integer requestsPerMinute, Set<Scope> scopes) {

    public static final String ANY_DOMAIN = "*";
    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,64}$");

    public InboxToken {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a token name is 1 to 64 letters, digits, '.', '_' or '-', not '" + name + "'");
        }
        sha256 = sha256 == null ? "" : sha256.trim().toLowerCase(Locale.ROOT);
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("token '" + name + "': expected the sha256 of the token as 64 hex digits");
        }
        domains = domains == null || domains.isEmpty() ? Set.of(ANY_DOMAIN) : Set.copyOf(new TreeSet<>(domains));
        if (requestsPerMinute != null && requestsPerMinute < 1) {
            throw new IllegalArgumentException("token '" + name + "': requestsPerMinute must be at least 1");
        }
        if (scopes != null && scopes.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("token '" + name + "': a scope is empty; scopes are submit, approve, operate");
        }
        scopes = scopes == null || scopes.isEmpty() ? Scope.DEFAULT : Collections.unmodifiableSet(EnumSet.copyOf(scopes));
    }

    /** A token that may only submit. */
    public InboxToken(String name, String sha256, Set<String> domains, Integer requestsPerMinute) {
        this(name, sha256, domains, requestsPerMinute, null);
    }

    /** A token allowed every domain, at the inbox's default rate, that may only submit. */
    public static InboxToken anyDomain(String name, String sha256) {
        return new InboxToken(name, sha256, Set.of(ANY_DOMAIN), null);
    }

    public InboxToken withScopes(Set<Scope> newScopes) {
        return new InboxToken(name, sha256, domains, requestsPerMinute, newScopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public boolean allows(String domain) {
        return domains.contains(ANY_DOMAIN) || domains.contains(domain);
    }
}
