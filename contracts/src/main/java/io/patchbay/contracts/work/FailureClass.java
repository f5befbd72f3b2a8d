package io.patchbay.contracts.work;

/**
 * Why a patch failed. The patch's own faults are final; infrastructure faults are retried with
 * backoff up to the contract's limit and then quarantined.
 */
public enum FailureClass {
    /** The diff or a file write does not apply to the working tree. */
    DOES_NOT_APPLY(false),
    /** A precondition such as {@code expect.baseCommit} does not hold. */
    PRECONDITION(false),
    /** A command of the patch exited non-zero. */
    COMMAND_FAILED(false),
    /** An acceptance gate failed. */
    GATE_FAILED(false),
    /** A command or gate ran past its timeout. */
    TIMEOUT(false),
    /** The worker could not do its job (I/O error, crash); not the patch's fault. */
    INFRASTRUCTURE(true);

    private final boolean retriable;

    FailureClass(boolean retriable) {
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
