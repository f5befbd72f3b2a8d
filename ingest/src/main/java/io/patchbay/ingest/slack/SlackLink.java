package io.patchbay.ingest.slack;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Slack's Web API can be reached, as the last call to it found: every outbox send and every
 * {@code auth.test} probe reports here. Slack being out of reach degrades patchbay (replies wait in
 * the outbox) but stops no patch, so health reports it as a reason, never as a service down.
 */
final class SlackLink {

    private static final Logger log = LoggerFactory.getLogger(SlackLink.class);

    private final Clock clock;
    private final Runnable onRecovered;
    private String problem;
    private Instant since;

    /** @param onRecovered run (outside any lock) when Slack answers again after being out of reach */
    SlackLink(Clock clock, Runnable onRecovered) {
        this.clock = clock;
        this.onRecovered = onRecovered;
    }

    void answered() {
        boolean recovered;
        synchronized (this) {
            recovered = problem != null;
            if (recovered) {
                log.info("Slack's Web API answers again after {} s; waiting messages go out now",
                        java.time.Duration.between(since, clock.instant()).toSeconds());
            }
            problem = null;
            since = null;
        }
        if (recovered) {
            onRecovered.run();
        }
    }

    synchronized void unreachable(String reason) {
        if (problem == null) {
            since = clock.instant();
            log.warn("Slack's Web API is out of reach ({}); messages wait in the outbox and requests to "
                    + SlackService.EVENTS_PATH + " are still served", reason);
        }
        problem = reason;
    }

    /** Why Slack cannot be reached, with since when; empty while it answers (or before it was first asked). */
    synchronized Optional<String> problem() {
        return problem == null ? Optional.empty()
                : Optional.of("Slack's Web API is out of reach since " + since + " (" + problem + "); replies wait in the outbox");
    }
}
