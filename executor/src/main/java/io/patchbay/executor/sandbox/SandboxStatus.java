package io.patchbay.executor.sandbox;

/**
 * Whether this executor can run commands in the bubblewrap sandbox, as found by {@link Bubblewrap#probe()}
 * at start-up. The decider receives it in its config, so its decisions stay a function of its inputs.
 *
 * @param reason why the sandbox cannot be used; null when it can
 */
public record SandboxStatus(boolean available, String reason) {

    public static final SandboxStatus AVAILABLE = new SandboxStatus(true, null);

    public SandboxStatus {
        if (!available && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("an unavailable sandbox needs a reason");
        }
        reason = available ? null : reason.strip();
    }

    public static SandboxStatus unavailable(String reason) {
        return new SandboxStatus(false, reason);
    }
}
