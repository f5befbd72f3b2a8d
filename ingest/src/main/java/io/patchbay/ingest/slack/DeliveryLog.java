package io.patchbay.ingest.slack;

import io.patchbay.ingest.JsonLinesLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remembers every Slack delivery by {@code team:event_id} (or {@code team:file:id} for an uploaded
 * file, which arrives both as a message and as {@code file_shared}), so that a retry
 * ({@code X-Slack-Retry-Num}) or a duplicate delivery never submits twice, even after a restart.
 *
 * <p>A delivery is claimed, with what it asks for, before Slack is acknowledged, and marked done
 * when its work is finished. A claim left open by a crash is handed back on start-up and done then:
 * Slack does not redeliver what it saw acknowledged, so the claim is the only record of it.
 *
 * <p>This file is one instance's: which instance acts on a delivery when several serve one Slack
 * app is decided on the shared topic ({@link DeliveryClaims}); the file keeps what this instance
 * took and has not finished, with its work, and is forced to disk on each append.
 *
 * <p>A delivery about to be claimed on the shared topic is noted first, with the claim it is about
 * to write: once written, that claim may stand first, and whoever's claim stands first must act,
 * since every other instance leaves the delivery alone. A note outlives a crash, or a claim the
 * topic did not confirm in time, and is settled when the topic answers ({@link DeliveryClaims#settle}).
 */
final class DeliveryLog implements AutoCloseable {

    /** Slack retries for minutes; a day is far beyond any redelivery. */
    static final Duration RETENTION = Duration.ofDays(1);

    /**
     * One line of the file: a claim (with its work) or a done mark.
     *
     * @param claim for a delivery claimed on the shared topic, the claim written there: the work is
     *     this instance's only while that claim stands first; null when taken here unconditionally
     */
    record Entry(String key, boolean done, SlackSubmission work, Instant at, SlackDeliveryClaim claim) {}

    /** A delivery whose work is this instance's if {@code claim} stands first on the shared topic. */
    record Noted(SlackSubmission work, SlackDeliveryClaim claim) {}

    private final JsonLinesLog<Entry> file;
    private final Clock clock;
    private final Map<String, Instant> done = new LinkedHashMap<>();
    private final Map<String, SlackSubmission> open = new LinkedHashMap<>();
    private final Map<String, Noted> noted = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private final List<Map.Entry<String, SlackSubmission>> unfinished = new ArrayList<>();

    DeliveryLog(Path file, Clock clock) {
        this.file = new JsonLinesLog<>(file, Entry.class);
        this.clock = clock;
        Instant oldest = clock.instant().minus(RETENTION);
        var loaded = this.file.load();
        for (Entry e : loaded) {
            if (e.done()) {
                open.remove(e.key());
                noted.remove(e.key());
                if (e.at().isAfter(oldest)) {
                    done.put(e.key(), e.at());
                }
            } else if (done.containsKey(e.key())) {
                continue;
            } else if (e.claim() != null) {
                noted.put(e.key(), new Noted(e.work(), e.claim()));
            } else {
                noted.remove(e.key()); // taken here after all, whatever the topic says
                open.put(e.key(), e.work());
            }
        }
        open.forEach((k, w) -> unfinished.add(Map.entry(k, w)));
        if (loaded.size() > done.size() + open.size() + noted.size()) {
            var keep = new ArrayList<Entry>();
            done.forEach((k, at) -> keep.add(new Entry(k, true, null, at, null)));
            open.forEach((k, w) -> keep.add(new Entry(k, false, w, clock.instant(), null)));
            noted.forEach((k, n) -> keep.add(new Entry(k, false, n.work(), clock.instant(), n.claim())));
            this.file.rewrite(keep);
        }
        inFlight.addAll(open.keySet());
    }

    /**
     * Claims a delivery for processing; false when it was already done or is being done, in which
     * case the caller acknowledges Slack and does nothing more.
     */
    synchronized boolean claim(String key, SlackSubmission work) {
        if (done.containsKey(key) || !inFlight.add(key)) {
            return false;
        }
        noted.remove(key);
        file.append(new Entry(key, false, work, clock.instant(), null));
        return true;
    }

    /**
     * Notes a delivery before {@code claim} is written to the shared topic, unless one is noted
     * already: a delivery is claimed under one claim, whichever instance run wrote it.
     *
     * @return the claim to write: the one noted before, else {@code claim}; null when the delivery
     *     is taken or done here already
     */
    synchronized SlackDeliveryClaim note(String key, SlackSubmission work, SlackDeliveryClaim claim) {
        if (taken(key)) {
            return null;
        }
        Noted had = noted.get(key);
        if (had != null) {
            return had.claim();
        }
        file.append(new Entry(key, false, work, clock.instant(), claim));
        noted.put(key, new Noted(work, claim));
        return claim;
    }

    /**
     * Takes a noted delivery whose claim stands first; false when it is taken or done already.
     * Nothing is written: the note on disk is settled again after a crash, with the same result.
     */
    synchronized boolean take(String key) {
        noted.remove(key);
        return !done.containsKey(key) && inFlight.add(key);
    }

    /** Deliveries noted and not yet settled, oldest first. */
    synchronized List<Map.Entry<String, Noted>> noted() {
        return List.copyOf(noted.entrySet()).stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** Done, or being done, by this instance. */
    synchronized boolean taken(String key) {
        return done.containsKey(key) || inFlight.contains(key);
    }

    /** Claims a key with nothing to replay (the second half of a file that arrives twice). */
    synchronized boolean claimOnly(String key) {
        return claim(key, null);
    }

    /** Finished here, or left to the instance whose claim stands first. */
    synchronized void done(String key) {
        inFlight.remove(key);
        noted.remove(key);
        Instant now = clock.instant();
        done.put(key, now);
        file.append(new Entry(key, true, null, now, null));
    }

    /** Frees a claim whose work could not even start, so that a redelivery may try again. */
    synchronized void release(String key) {
        inFlight.remove(key);
    }

    /** Claims a crash left open: do them, then {@link #done}. */
    synchronized List<Map.Entry<String, SlackSubmission>> unfinished() {
        var list = List.copyOf(unfinished);
        unfinished.clear();
        return list;
    }

    @Override
    public void close() {
        file.close();
    }
}
