package io.patchbay.ingest.slack;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Slack's {@code auth.test} in the background and tells the {@link SlackLink}: every
 * {@link #INTERVAL} while Slack answers, so that an outage shows in health even when nothing is
 * being sent, and backing off from 1 s to that while it does not, so that waiting messages go out
 * soon after Slack is back. Runs {@code whenAnswering} after each answer (Socket Mode connects then).
 */
final class WebApiProbe implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebApiProbe.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private final SlackApi api;
    private final SlackLink link;
    private final Runnable whenAnswering;
    private final ScheduledExecutorService timer;
    private volatile boolean announced;

    WebApiProbe(SlackApi api, SlackLink link, Runnable whenAnswering) {
        this.api = api;
        this.link = link;
        this.whenAnswering = whenAnswering;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-slack-probe");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        timer.execute(() -> probe(FIRST_RETRY));
    }

    private void probe(Duration backoff) {
        Duration next;
        Duration nextBackoff = FIRST_RETRY;
        try {
            String who = api.checkAuth();
            link.answered();
            if (!announced) {
                announced = true;
                log.info("Slack's Web API answers: {}", who);
            }
            whenAnswering.run();
            next = INTERVAL;
        } catch (SlackCallException | RuntimeException e) {
            link.unreachable(e.getMessage() == null ? e.toString() : e.getMessage());
            next = backoff;
            nextBackoff = backoff.multipliedBy(2).compareTo(INTERVAL) > 0 ? INTERVAL : backoff.multipliedBy(2);
        }
        Duration after = nextBackoff;
        try {
            timer.schedule(() -> probe(after), next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("the Slack probe stops: closing");
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
