package io.patchbay.ingest.slack;

import io.patchbay.ingest.PublishException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which instance acts on a Slack delivery when several serve one Slack app: a delivery's
 * key ({@code team:event_id}) is claimed on the shared topic, and the first claim written wins, so
 * a retry ({@code X-Slack-Retry-Num}) or the same event delivered to two instances at once is acted
 * on by one of them only. Without a shared topic (tests, one instance) the local {@link DeliveryLog}
 * decides alone.
 *
 * <p>The local file stays for what the topic does not hold: the work of a delivery this instance
 * acknowledged and has not finished, which a crash would otherwise lose (Slack does not redeliver
 * what it saw acknowledged), and a quick answer to repeats this instance already settled.
 *
 * <p>When the topic does not confirm a claim in time (Kafka out of reach), Slack is answered 503
 * and retries the event later, when the claim can be decided; its last retry is taken on this
 * instance alone, so that the person hears an answer in the thread (the Submit, or why it was not
 * taken) rather than nothing.
 *
 * <p>The rule that keeps a delivery from being lost: whoever's claim stands first acts, whatever it
 * answered Slack. An unconfirmed claim may still have landed first, and then every retry, on any
 * instance, is left alone; so each claim is noted in the local file before it is written, and the
 * note is settled when the topic answers again ({@link #settle}): acted on here if its claim stands
 * first, dropped if another does. A crash between the write and the work is settled the same way
 * at the next start. A release record written after a 503 was weighed instead and not taken: it
 * would need the very cluster that just failed to answer, and an instance that had already left the
 * delivery to the first claim would never see it released.
 */
final class DeliveryClaims implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeliveryClaims.class);

    /** Slack waits 3 s for its acknowledgement; the claim must leave room for the rest. */
    static final Duration ACK_BUDGET = Duration.ofSeconds(2);
    /** A claim made after the acknowledgement (a file that arrives twice) has no Slack clock to beat. */
    static final Duration AFTER_ACK_BUDGET = Duration.ofSeconds(5);
    /** Slack retries an event callback three times; the third is its last. */
    static final int LAST_RETRY = 3;

    /** The shared topic's claim: {@code SharedAnswers::claim} outside tests. */
    @FunctionalInterface
    interface Board {
        SlackDeliveryClaim claim(String key, SlackDeliveryClaim mine, Duration budget) throws PublishException;
    }

    /** What to do with a delivery. */
    sealed interface Outcome {
        /** Act on it, then {@link #done}. */
        record Take() implements Outcome {}

        /** Already taken, here or by another instance: acknowledge and do nothing. */
        record Skip(String takenBy) implements Outcome {}

        /** Not known whether another instance took it: Slack should deliver it again later. */
        record Unconfirmed(String reason) implements Outcome {}
    }

    private final DeliveryLog local;
    private final Clock clock;
    private final String instance = UUID.randomUUID().toString();
    private volatile Board board;

    DeliveryClaims(DeliveryLog local, Clock clock) {
        this.local = local;
        this.clock = clock;
    }

    /** Claims on the shared topic from now on. */
    void share(Board board) {
        this.board = board;
    }

    String instance() {
        return instance;
    }

    /**
     * Claims an event callback before Slack is acknowledged.
     *
     * @param retryNum Slack's {@code X-Slack-Retry-Num}, null on the first delivery
     */
    Outcome claim(String key, SlackSubmission work, Integer retryNum) {
        if (local.taken(key)) {
            return new Outcome.Skip("this instance");
        }
        Board b = board;
        if (b == null) {
            return local.claim(key, work) ? new Outcome.Take() : new Outcome.Skip("this instance");
        }
        SlackDeliveryClaim mine = local.note(key, work, new SlackDeliveryClaim(instance, clock.instant()));
        if (mine == null) {
            return new Outcome.Skip("this instance");
        }
        SlackDeliveryClaim first;
        try {
            first = b.claim(key, mine, ACK_BUDGET);
        } catch (PublishException e) {
            if (retryNum == null || retryNum < LAST_RETRY) {
                return new Outcome.Unconfirmed(e.getMessage()); // the note stays, for settle
            }
            log.warn("Slack delivery {} is Slack's last retry and the shared claim is not confirmed ({}); taken on"
                    + " this instance alone", key, e.getMessage());
            return local.claim(key, work) ? new Outcome.Take() : new Outcome.Skip("this instance");
        }
        return decided(key, mine, first);
    }

    /**
     * Settles the deliveries noted and not yet decided (claims the topic did not confirm, or a crash
     * interrupted), now that the topic may answer: those whose claim stands first are taken and
     * returned, to be acted on then {@link #done}; those another instance claimed first are dropped;
     * those the topic still does not answer for stay noted.
     */
    List<Map.Entry<String, SlackSubmission>> settle() {
        Board b = board;
        if (b == null) {
            return List.of();
        }
        var taken = new ArrayList<Map.Entry<String, SlackSubmission>>();
        for (var n : local.noted()) {
            if (n.getValue().work() == null) {
                continue; // a file claimed after the acknowledgement: settled by the delivery that carries it
            }
            String key = n.getKey();
            SlackDeliveryClaim mine = n.getValue().claim();
            try {
                if (decided(key, mine, b.claim(key, mine, AFTER_ACK_BUDGET)) instanceof Outcome.Take) {
                    log.info("Slack delivery {} is this instance's: its claim stands first, though Slack was not told"
                            + " so; acted on now", key);
                    taken.add(Map.entry(key, n.getValue().work()));
                }
            } catch (PublishException e) {
                log.debug("the claim of Slack delivery {} is not confirmed yet ({})", key, e.getMessage());
            }
        }
        return taken;
    }

    /** The claim standing first decides: {@code mine} is this instance's to act on, another is left alone. */
    private Outcome decided(String key, SlackDeliveryClaim mine, SlackDeliveryClaim first) {
        if (!first.instance().equals(mine.instance())) {
            local.done(key); // left to the instance that claimed it first
            return new Outcome.Skip("instance " + first.instance());
        }
        return local.take(key) ? new Outcome.Take() : new Outcome.Skip("this instance");
    }

    /**
     * Claims a delivery with nothing to replay, after Slack was acknowledged (the second half of a
     * file that arrives twice). Nothing would deliver it again, so when the shared topic does not
     * answer it is taken here: a Submit twice is the same patch id, which the decider takes once.
     */
    boolean claimAfterAck(String key) {
        if (local.taken(key)) {
            return false;
        }
        Board b = board;
        if (b != null) {
            // Noted first, so that the delivery carrying it, replayed after a crash, claims it under the same claim.
            SlackDeliveryClaim mine = local.note(key, null, new SlackDeliveryClaim(instance, clock.instant()));
            if (mine == null) {
                return false;
            }
            try {
                return decided(key, mine, b.claim(key, mine, AFTER_ACK_BUDGET)) instanceof Outcome.Take;
            } catch (PublishException e) {
                log.warn("the shared claim of {} is not confirmed ({}); taken on this instance", key, e.getMessage());
            }
        }
        return local.claimOnly(key);
    }

    /**
     * Claims a delivery Slack never sends twice ({@code /patch}: its {@code trigger_id} is one
     * invocation's, and slash commands are not retried): this instance's file is enough.
     */
    boolean claimHere(String key, SlackSubmission work) {
        return local.claim(key, work);
    }

    void done(String key) {
        local.done(key);
    }

    void release(String key) {
        local.release(key);
    }

    List<Map.Entry<String, SlackSubmission>> unfinished() {
        return local.unfinished();
    }

    @Override
    public void close() {
        local.close();
    }
}
