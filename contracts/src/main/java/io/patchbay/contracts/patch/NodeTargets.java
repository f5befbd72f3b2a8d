package io.patchbay.contracts.patch;

import java.util.Optional;

/**
 * What it takes to read a patch written for the Node-based runner: the domain its {@code target}
 * means, and the absolute path the Node runner knew that domain's working tree by. The execution
 * contract answers both.
 */
public interface NodeTargets {

    /** Knows no target: Node-runner patches are refused. */
    NodeTargets NONE = new NodeTargets() {
        @Override
        public Optional<String> domainOfNodeTarget(String target) {
            return Optional.empty();
        }

        @Override
        public Optional<String> nodePathPrefix(String domain) {
            return Optional.empty();
        }
    };

    Optional<String> domainOfNodeTarget(String target);

    Optional<String> nodePathPrefix(String domain);
}
