package io.patchbay.ingest;

/**
 * The command log did not acknowledge a command. Checked, so that no channel can forget that an
 * unacknowledged submission must not be reported as taken.
 */
public final class PublishException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    public PublishException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /**
     * True when the same command may succeed later (broker down, timeout); false when the command
     * itself can never be taken (too large, not serialisable), so retrying would only loop.
     */
    public boolean retriable() {
        return retriable;
    }
}
