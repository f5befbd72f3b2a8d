package io.patchbay.executor.sandbox;

import io.patchbay.contracts.policy.ExecutionContract;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator must know about command sandboxes when a contract comes into force: each domain
 * whose contract turns the sandbox off, and, where bubblewrap is missing, which domains will have
 * their patches with commands or gates rejected.
 */
public final class SandboxReport {

    private static final Logger log = LoggerFactory.getLogger(SandboxReport.class);

    private SandboxReport() {}

    /** The domains of {@code contract} whose commands run without a sandbox. */
    public static List<String> unconfined(ExecutionContract contract) {
        return contract.domains().entrySet().stream().filter(e -> !e.getValue().commands().sandboxed())
                .map(Map.Entry::getKey).toList();
    }

    /** Logs the warnings, if any; called at start-up and whenever a new contract comes into force. */
    public static void log(ExecutionContract contract, SandboxStatus status) {
        for (String domain : unconfined(contract)) {
            log.warn("domain {} runs commands and gates WITHOUT a sandbox (commands.sandbox: none in contract {}):"
                    + " they can read and write whatever the service user can", domain, contract.version());
        }
        if (!status.available()) {
            List<String> needing = contract.domains().entrySet().stream()
                    .filter(e -> e.getValue().commands().sandboxed()).map(Map.Entry::getKey).toList();
            if (!needing.isEmpty()) {
                log.warn("the command sandbox is not available ({}); patches with commands or gates in {} will be"
                        + " rejected: {}", status.reason(), String.join(", ", needing), Bubblewrap.HOW_TO_INSTALL);
            }
        }
    }
}
