package io.patchbay.ingest;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Remembers the answer given to each {@code Idempotency-Key}, so that a client retrying after a lost
 * response gets the same answer instead of a second submission, and one reusing a key for another
 * body is told so. Only accepted submissions are remembered: an error leaves the key free, so a
 * retry after a 503 is tried afresh. Keys are scoped by token and kept for {@code ttl}; with a file
 * they survive a restart.
 */
public final class IdempotencyStore implements AutoCloseable {

    /** A remembered answer. */
    public record Answer(int status, String body, String location) {}

    /** One line of the file. */
    record Entry(String key, String fingerprint, Answer answer, Instant at) {}

    /** What to do with a request that carries a key. */
    public sealed interface Outcome {
        /** The key is new: go ahead, then {@link #complete} or {@link #abandon} it. */
        record Proceed() implements Outcome {}

        record Replay(Answer answer) implements Outcome {}

        /** The key was used for a different request. */
        record Mismatch() implements Outcome {}

        /** The same key is being handled right now by another request. */
        record InProgress() implements Outcome {}
    }

    private final JsonLinesLog<Entry> file;
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();

    /**
     * @param file where answers are kept across restarts; null keeps them in memory only
     * @param maxEntries the oldest answers are forgotten beyond this many
     */
    public IdempotencyStore(Path file, Duration ttl, int maxEntries, Clock clock) {
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("the idempotency window and size must be positive");
        }
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.file = file == null ? null : new JsonLinesLog<>(file, Entry.class);
        if (this.file != null) {
            var loaded = this.file.load();
            loaded.forEach(e -> entries.put(e.key(), e));
            expire();
            if (loaded.size() > entries.size()) {
                this.file.rewrite(entries.values());
            }
        }
    }

    public synchronized Outcome begin(String scope, String key, String fingerprint) {
        expire();
        String k = scope + "\n" + key;
        Entry e = entries.get(k);
        if (e != null) {
            return e.fingerprint().equals(fingerprint) ? new Outcome.Replay(e.answer()) : new Outcome.Mismatch();
        }
        if (!inFlight.add(k)) {
            return new Outcome.InProgress();
        }
        return new Outcome.Proceed();
    }

    /** Remembers the answer to a request that {@link #begin} let proceed. */
    public synchronized void complete(String scope, String key, String fingerprint, Answer answer) {
        String k = scope + "\n" + key;
        inFlight.remove(k);
        var e = new Entry(k, fingerprint, answer, clock.instant());
        entries.put(k, e);
        if (file != null) {
            file.append(e);
            if (file.lines() > 2 * maxEntries) {
                expire();
                file.rewrite(entries.values());
            }
        }
        while (entries.size() > maxEntries) {
            entries.remove(entries.keySet().iterator().next());
        }
    }

    /** Frees a key whose request ended without an answer worth remembering. */
    public synchronized void abandon(String scope, String key) {
        inFlight.remove(scope + "\n" + key);
    }

    private void expire() {
        Instant oldest = clock.instant().minus(ttl);
        for (String k : new ArrayList<>(entries.keySet())) {
            if (entries.get(k).at().isBefore(oldest)) {
                entries.remove(k);
            } else {
                break; // insertion order is time order
            }
        }
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    /** Entries remembered now; for tests and metrics. */
    synchronized Map<String, Entry> snapshot() {
        return Map.copyOf(entries);
    }
}
