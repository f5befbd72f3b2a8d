package io.patchbay.watchdog;

import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.List;

/**
 * One view query as an instance sends it to another, which answers it from its own stores only and
 * never asks further. Only the fields its {@link Kind} names are set.
 *
 * @param domains the domains an {@link Kind#ALERTS} query covers: the asker knows every domain of the
 *     cluster, the instance that holds a domain's alerts may not hold its events
 */
public record PeerQuery(Kind kind, String id, String domain, List<String> domains, PatchStatus status, int limit,
        Instant since, Instant until) {

    /** Which read of {@link ViewQueries} to run. */
    public enum Kind { PATCH, DOMAINS, PATCHES, FREEZE, OUTCOMES, ALERTS, OPEN_BREACHES, QUARANTINE }

    public PeerQuery {
        if (kind == null) {
            throw new IllegalArgumentException("a view query needs a kind, one of " + List.of(Kind.values()));
        }
        domains = domains == null ? List.of() : List.copyOf(domains);
    }

    static PeerQuery patch(String id) {
        return new PeerQuery(Kind.PATCH, id, null, null, null, 0, null, null);
    }

    static PeerQuery domainsQuery() {
        return new PeerQuery(Kind.DOMAINS, null, null, null, null, 0, null, null);
    }

    static PeerQuery patches(String domain, PatchStatus status, int limit) {
        return new PeerQuery(Kind.PATCHES, null, domain, null, status, limit, null, null);
    }

    static PeerQuery freeze(String domain) {
        return new PeerQuery(Kind.FREEZE, null, domain, null, null, 0, null, null);
    }

    static PeerQuery outcomes(String domain, Instant since, Instant until) {
        return new PeerQuery(Kind.OUTCOMES, null, domain, null, null, 0, since, until);
    }

    static PeerQuery alerts(List<String> domains, Instant since, int limit) {
        return new PeerQuery(Kind.ALERTS, null, null, domains, null, limit, since, null);
    }

    static PeerQuery openBreaches(String domain) {
        return new PeerQuery(Kind.OPEN_BREACHES, null, domain, null, null, 0, null, null);
    }

    static PeerQuery quarantine(String domain, int limit) {
        return new PeerQuery(Kind.QUARANTINE, null, domain, null, null, limit, null, null);
    }
}
