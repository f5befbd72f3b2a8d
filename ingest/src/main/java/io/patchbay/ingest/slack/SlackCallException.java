package io.patchbay.ingest.slack;

import java.time.Duration;

/** A Slack Web API call that did not succeed; says whether trying again may help, and when. */
final class SlackCallException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;
    private final transient Duration retryAfter;

    SlackCallException(String message, boolean retriable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.retryAfter = retryAfter;
    }

    boolean retriable() {
        return retriable;
    }

    /** Slack's {@code Retry-After} on a 429; null when Slack named no time. */
    Duration retryAfter() {
        return retryAfter;
    }
}
