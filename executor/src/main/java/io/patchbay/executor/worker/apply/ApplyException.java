package io.patchbay.executor.worker.apply;

/**
 * A diff that cannot be read or does not apply to the working tree. The message is a sentence for
 * people naming the file (and hunk); the detail, when there is one, shows what was expected.
 */
public final class ApplyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String detail;

    public ApplyException(String message) {
        this(message, null);
    }

    public ApplyException(String message, String detail) {
        super(message);
        this.detail = detail;
    }

    /** More lines for the summary (such as the text a hunk looked for), or null. */
    public String detail() {
        return detail;
    }
}
