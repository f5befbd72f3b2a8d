package io.patchbay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the HTTP inbox's tokens, stored hashed, from a YAML file and from the environment:
 *
 * <pre>
 * # var/secrets/tokens.yml
 * tokens:
 *   - name: ci
 *     sha256: 9f86d0…          # printf %s "$TOKEN" | sha256sum
 *     domains: [main, ops]     # or ["*"] (the default)
 *     requestsPerMinute: 60    # optional; the inbox default otherwise
 *     scopes: [submit, approve] # submit, approve, operate; [submit] when not given
 * </pre>
 *
 * and {@code PATCHBAY_TOKENS=ci:9f86d0…:main+ops,lead:3c59dc…::approve+operate} (name, sha256,
 * optional domains joined by {@code +}, empty for all, then optional scopes joined by {@code +}).
 * A name defined twice, or a scope nobody knows, is a mistake, reported rather than guessed at.
 */
public final class InboxTokens {

    public static final String ENV = "PATCHBAY_TOKENS";

    private InboxTokens() {}

    /** The file's layout. */
    record File(List<InboxToken> tokens) {}

    /**
     * @param file the YAML file; a missing file contributes nothing
     * @param env the environment ({@code System.getenv()}); only {@value #ENV} is read
     * @throws IllegalArgumentException naming the file or variable and the entry that is wrong
     */
    public static List<InboxToken> load(Path file, Map<String, String> env) {
        var byName = new LinkedHashMap<String, InboxToken>();
        if (file != null && Files.isRegularFile(file)) {
            for (InboxToken t : readFile(file)) {
                if (byName.putIfAbsent(t.name(), t) != null) {
                    throw new IllegalArgumentException(file + ": token '" + t.name() + "' is defined twice");
                }
            }
        }
        for (InboxToken t : parseEnv(env.get(ENV))) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException(ENV + ": token '" + t.name() + "' is already defined"
                        + (file == null ? "" : " (in " + file + ")"));
            }
        }
        return List.copyOf(byName.values());
    }

    static List<InboxToken> readFile(Path file) {
        try {
            // The YAML mapper refuses unknown fields: a misspelt "domains" must not silently allow all.
            File parsed = Json.yaml().readValue(Files.readAllBytes(file), File.class);
            return parsed == null || parsed.tokens() == null ? List.of() : parsed.tokens();
        } catch (JsonProcessingException e) {
            String why = e.getCause() instanceof IllegalArgumentException ? e.getCause().getMessage() : e.getOriginalMessage();
            throw new IllegalArgumentException(file + ": " + why, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<InboxToken> parseEnv(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        var tokens = new ArrayList<InboxToken>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":", -1);
            if (parts.length < 2 || parts.length > 4) {
                throw new IllegalArgumentException(ENV + ": '" + redact(entry.trim())
                        + "' is not name:sha256, name:sha256:domain+domain or name:sha256:domain+domain:scope+scope");
            }
            var domains = parts.length >= 3 && !parts[2].isBlank()
                    ? new LinkedHashSet<>(Arrays.asList(parts[2].trim().split("\\+")))
                    : null;
            Set<Scope> scopes;
            try {
                scopes = parts.length == 4 && !parts[3].isBlank()
                        ? Arrays.stream(parts[3].trim().split("\\+")).map(Scope::of).collect(Collectors.toSet())
                        : null;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + ": token '" + parts[0].trim() + "': " + e.getMessage(), e);
            }
            try {
                tokens.add(new InboxToken(parts[0].trim(), parts[1], domains, null, scopes));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(ENV + ": " + e.getMessage(), e);
            }
        }
        return tokens;
    }

    /** Someone may paste the token instead of its hash: never echo the middle part back. */
    private static String redact(String entry) {
        int colon = entry.indexOf(':');
        return colon < 0 ? "…" : entry.substring(0, colon) + ":…";
    }
}
