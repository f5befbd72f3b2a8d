package io.patchbay.ingest.slack;

import java.time.Duration;

/** A Slack Web API call that did not succeed; says whether trying again may help, and when. */
final class SlackCallException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;
    private final transient Duration retryAfter;
    private final boolean outage;

    SlackCallException(String message, boolean retriable, Duration retryAfter, Throwable cause) {
        this(message, retriable, retryAfter, cause, false);
    }

    SlackCallException(String message, boolean retriable, Duration retryAfter, Throwable cause, boolean outage) {
        super(message, cause);
        this.retriable = retriable || outage;
        this.retryAfter = retryAfter;
        this.outage = outage;
    }

    /** Slack did not answer, or answered 5xx: Slack is down or out of reach, not the message at fault. */
    static SlackCallException outage(String message, Throwable cause) {
        return new SlackCallException(message, true, null, cause, true);
    }

    boolean outage() {
        return outage;
    }

    boolean retriable() {
        return retriable;
    }

    /** Slack's {@code Retry-After} on a 429; null when Slack named no time. */
    Duration retryAfter() {
        return retryAfter;
    }
}
