package io.patchbay.contracts.work;

/**
 * Why a patch failed, and the one table of what may be tried again. The patch's own faults are
 * final: running the same patch again gives the same failure, so no contract may retry or
 * quarantine them ({@code ContractLoader} refuses a {@code retry.on} or {@code quarantine.on} that
 * names one). Infrastructure faults are retried with backoff up to the contract's limit and then
 * quarantined.
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

    /** True for the worker's own faults only; a contract may retry or quarantine nothing else. */
    public boolean retriable() {
        return retriable;
    }

    /** The name a contract uses for this class, as in {@code retry.on: [infrastructure]}. */
    public String contractName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The class of an unexpected exception or error in a run. While the worker handles the patch's
     * own content (parsing and applying its diff, writing its files), a runtime exception or an
     * error such as {@link StackOverflowError} or {@link OutOfMemoryError} comes from that content:
     * the same patch would fail the same way again, so it is {@link #DOES_NOT_APPLY}. An I/O error
     * ({@link java.io.IOException}, {@link java.io.UncheckedIOException}) or any checked exception
     * (JGit's, say) is the machine's, and so is anything outside those steps: {@link #INFRASTRUCTURE}.
     */
    public static FailureClass ofUnexpected(Throwable t, boolean handlingPatchContent) {
        boolean machine = t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException
                || !(t instanceof RuntimeException || t instanceof Error);
        return handlingPatchContent && !machine ? DOES_NOT_APPLY : INFRASTRUCTURE;
    }
}
