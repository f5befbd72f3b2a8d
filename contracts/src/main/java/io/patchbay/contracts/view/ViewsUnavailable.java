package io.patchbay.contracts.view;

/**
 * A view query that cannot be answered whole right now: the instances of a cluster are
 * rebalancing, or the instance that holds part of the answer did not answer. Thrown rather than
 * answering a part as if it were the whole; the HTTP layer turns it into a 503 problem with
 * {@code Retry-After}.
 */
public final class ViewsUnavailable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Seconds after which asking again is likely to be answered. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public ViewsUnavailable(String detail) {
        super(detail, null, false, false);
    }

    public ViewsUnavailable(String detail, Throwable cause) {
        super(detail, cause, false, false);
    }
}
