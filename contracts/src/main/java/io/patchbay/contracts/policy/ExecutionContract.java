package io.patchbay.contracts.policy;

import io.patchbay.contracts.patch.NodeTargets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The SoT execution contract: a version, the hash of the file it was read from, the policy of each
 * domain, the routes that tell which domain an input without one is for, and who is who
 * ({@code identities}: a person's name to their credentials, {@code channel:id}). Both version and
 * hash go into every verdict event.
 */
public record ExecutionContract(String version, String hash, Map<String, DomainPolicy> domains, Routes routes,
        Map<String, List<String>> identities) implements NodeTargets {

    /**
     * Which domain a Slack channel posts to, and which domain a Node-runner patch's {@code target}
     * means. A Node target that is not listed but names a domain means that domain.
     */
    public record Routes(Map<String, String> slackChannels, Map<String, String> nodeTargets) {
        static final Routes DEFAULT = new Routes(null, null);

        public Routes {
            slackChannels = slackChannels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(slackChannels));
            nodeTargets = nodeTargets == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(nodeTargets));
        }
    }

    public ExecutionContract {
        domains = domains == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(domains));
        routes = routes == null ? Routes.DEFAULT : routes;
        identities = identities == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(identities));
    }

    public ExecutionContract(String version, String hash, Map<String, DomainPolicy> domains, Routes routes) {
        this(version, hash, domains, routes, null);
    }

    public ExecutionContract(String version, String hash, Map<String, DomainPolicy> domains) {
        this(version, hash, domains, null);
    }

    public Optional<DomainPolicy> domain(String name) {
        return Optional.ofNullable(name).map(domains::get);
    }

    /** The domain a Slack channel posts to, if the contract routes it. */
    public Optional<String> domainOfSlackChannel(String channelId) {
        return Optional.ofNullable(channelId).map(routes.slackChannels()::get);
    }

    /** The domain a Node-runner {@code target} means: its route, else the domain of that name. */
    @Override
    public Optional<String> domainOfNodeTarget(String target) {
        if (target == null) {
            return Optional.empty();
        }
        String routed = routes.nodeTargets().get(target);
        if (routed != null) {
            return Optional.of(routed);
        }
        return domains.containsKey(target) ? Optional.of(target) : Optional.empty();
    }

    @Override
    public Optional<String> nodePathPrefix(String domain) {
        return domain(domain).map(DomainPolicy::nodePathPrefix);
    }

    /** The people behind credentials, for approvals and four-eyes. */
    public Identities people() {
        return Identities.of(identities);
    }

    public ExecutionContract withHash(String newHash) {
        return new ExecutionContract(version, newHash, domains, routes, identities);
    }
}
