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
 */
final class DeliveryLog implements AutoCloseable {

    /** Slack retries for minutes; a day is far beyond any redelivery. */
    static final Duration RETENTION = Duration.ofDays(1);

    /** One line of the file: a claim (with its work) or a done mark. */
    record Entry(String key, boolean done, SlackSubmission work, Instant at) {}

    private final JsonLinesLog<Entry> file;
    private final Clock clock;
    private final Map<String, Instant> done = new LinkedHashMap<>();
    private final Map<String, SlackSubmission> open = new LinkedHashMap<>();
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
                if (e.at().isAfter(oldest)) {
                    done.put(e.key(), e.at());
                }
            } else if (!done.containsKey(e.key())) {
                open.put(e.key(), e.work());
            }
        }
        open.forEach((k, w) -> unfinished.add(Map.entry(k, w)));
        if (loaded.size() > done.size() + open.size()) {
            var keep = new ArrayList<Entry>();
            done.forEach((k, at) -> keep.add(new Entry(k, true, null, at)));
            open.forEach((k, w) -> keep.add(new Entry(k, false, w, clock.instant())));
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
        file.append(new Entry(key, false, work, clock.instant()));
        return true;
    }

    /** Done, or being done, by this instance. */
    synchronized boolean taken(String key) {
        return done.containsKey(key) || inFlight.contains(key);
    }

    /** Claims a key with nothing to replay (the second half of a file that arrives twice). */
    synchronized boolean claimOnly(String key) {
        return claim(key, null);
    }

    synchronized void done(String key) {
        inFlight.remove(key);
        Instant now = clock.instant();
        done.put(key, now);
        file.append(new Entry(key, true, null, now));
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
