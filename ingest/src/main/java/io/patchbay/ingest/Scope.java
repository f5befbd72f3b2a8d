package io.patchbay.ingest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a bearer token may do. Submitting and acting on other people's patches are different
 * trusts: a CI job that submits must not also approve its own work or unfreeze a domain.
 */
public enum Scope {
    /** Submit patches, and ask for a dry run. */
    SUBMIT,
    /** Approve or reject a patch that waits for approval. */
    APPROVE,
    /** Cancel, retry, release, discard; unfreeze a domain; post the digest to Slack. */
    OPERATE;

    /** A token that names no scopes may only submit. */
    public static final Set<Scope> DEFAULT = Set.of(SUBMIT);
    public static final Set<Scope> ALL = Set.copyOf(EnumSet.allOf(Scope.class));

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the scopes there are */
    @JsonCreator
    public static Scope of(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.label().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' is not a scope; scopes are "
                        + Arrays.stream(values()).map(Scope::label).collect(Collectors.joining(", "))));
    }
}
