package io.patchbay.contracts.policy;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SoT execution contract: a version, the hash of the file it was read from, and the policy of
 * each domain. Both version and hash go into every verdict event.
 */
public record ExecutionContract(String version, String hash, Map<String, DomainPolicy> domains) {

    public ExecutionContract {
        domains = domains == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(domains));
    }

    public Optional<DomainPolicy> domain(String name) {
        return Optional.ofNullable(name).map(domains::get);
    }

    public ExecutionContract withHash(String newHash) {
        return new ExecutionContract(version, newHash, domains);
    }
}
