package io.patchbay.ingest.slack;

import io.patchbay.contracts.view.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts the digest to Slack every day at the {@link DigestSchedule}'s hour, and on demand. The
 * digest comes from a function of the period (the watchdog's views), so ingest needs nothing of
 * the watchdog but that function. Posting goes through the outbox and never waits on Slack.
 */
public final class DigestPoster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DigestPoster.class);

    /** The period a scheduled digest covers. */
    public static final Duration DAY = Duration.ofDays(1);

    private final SlackOutbox outbox;
    private final DigestSchedule schedule;
    private final BiFunction<Instant, Instant, Digest> digests;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-digest");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant planned;

    /**
     * @param digests the digest of a period {@code [since, until)}
     */
    DigestPoster(SlackOutbox outbox, DigestSchedule schedule, BiFunction<Instant, Instant, Digest> digests, Clock clock) {
        this.outbox = outbox;
        this.schedule = schedule;
        this.digests = digests;
        this.clock = clock;
    }

    public DigestSchedule schedule() {
        return schedule;
    }

    /** Starts the daily posting. */
    public void start() {
        scheduleNext();
    }

    /**
     * Posts the digest of the last {@code period} now.
     *
     * @return completes with the posted message's ts, or exceptionally when the message is dropped
     */
    public CompletableFuture<String> postNow(Duration period) {
        Instant until = clock.instant();
        String text = DigestText.of(digests.apply(until.minus(period), until));
        var message = SlackOutbox.Message.post(schedule.channel(), null, text, null);
        if (outbox.offer(message)) {
            log.info("digest of {} to {} handed to Slack", until.minus(period), until);
        }
        return message.sent();
    }

    private void scheduleNext() {
        Instant now = clock.instant();
        // From the last planned time at least, so that a timer firing a little early never posts twice.
        Instant next = schedule.nextAfter(planned != null && planned.isAfter(now) ? planned : now);
        planned = next;
        try {
            timer.schedule(this::postScheduled, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
            log.info("the next digest goes to Slack channel {} at {}", schedule.channel(), next);
        } catch (RejectedExecutionException e) {
            log.debug("digest timer stopped; nothing more is scheduled");
        }
    }

    private void postScheduled() {
        try {
            postNow(DAY);
        } catch (RuntimeException e) {
            // The views may not be ready (a rebalance, say); tomorrow's digest is tried all the same.
            log.warn("the daily digest could not be made: {}", e.toString());
        } finally {
            scheduleNext();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
