package io.patchbay.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the answer given to each {@code Idempotency-Key}, so that a client retrying after a lost
 * response gets the same answer instead of a second submission, and one reusing a key for another
 * body is told so. Only accepted submissions are remembered: an error leaves the key free, so a
 * retry after a 503 is tried afresh. Keys are scoped by token and kept for the window.
 *
 * <p>With {@link SharedAnswers} the answers live on a Kafka topic, so a retry that reaches another
 * instance, or this one after a restart, is answered the same. Two instances taking the same key
 * at the same moment may both publish the Submit: that is harmless, since the same body gives the
 * same patch id (the one it names, else its content hash) and the decider takes a patch id once;
 * a claim written before publishing would cost every keyed request a second round trip to
 * the cluster to rule out what the decider already rules out.
 */
public final class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);

    /** A remembered answer. */
    public record Answer(int status, String body, String location) {}

    /** What is kept under a key: the request it answered (a hash of it) and the answer. */
    public record Entry(String fingerprint, Answer answer) {}

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

    private final SharedAnswers<Entry> shared;
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    /** An answer kept in this process, and when it was given. */
    private record Kept(Entry entry, Instant at) {}

    /** The answers when none are shared, in the order given. */
    private final LinkedHashMap<String, Kept> local = new LinkedHashMap<>();
    private final Set<String> inFlight = new HashSet<>();

    /** Answers kept in this process only. */
    public IdempotencyStore(Duration ttl, int maxEntries, Clock clock) {
        this(null, ttl, maxEntries, clock);
    }

    /**
     * @param shared where answers are kept for every instance; null keeps them in this process
     * @param maxEntries the oldest answers are forgotten beyond this many
     */
    public IdempotencyStore(SharedAnswers<Entry> shared, Duration ttl, int maxEntries, Clock clock) {
        if (ttl.isNegative() || ttl.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("the idempotency window and size must be positive");
        }
        this.shared = shared;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    public Outcome begin(String scope, String key, String fingerprint) {
        String k = keyOf(scope, key);
        // Claimed first, looked up second: an answer completed here before the claim is already remembered.
        synchronized (this) {
            if (!inFlight.add(k)) {
                return new Outcome.InProgress();
            }
        }
        Optional<Entry> known;
        try {
            known = shared == null ? localEntry(k) : shared.find(k);
        } catch (RuntimeException e) {
            abandon(scope, key);
            throw e;
        }
        if (known.isEmpty()) {
            return new Outcome.Proceed();
        }
        abandon(scope, key);
        return known.get().fingerprint().equals(fingerprint) ? new Outcome.Replay(known.get().answer())
                : new Outcome.Mismatch();
    }

    /**
     * Remembers the answer to a request that {@link #begin} let proceed. When the shared topic does
     * not take it, the answer still stands (the patch is on the command log); a retry may then
     * publish again, which the decider takes as the same patch.
     */
    public void complete(String scope, String key, String fingerprint, Answer answer) {
        String k = keyOf(scope, key);
        Entry e = new Entry(fingerprint, answer);
        try {
            if (shared == null) {
                rememberLocally(k, e);
            } else {
                try {
                    shared.remember(k, e);
                } catch (PublishException ex) {
                    log.warn("could not share the answer to Idempotency-Key {} of {}: {}; a retry on another "
                            + "instance will submit the same patch again, which the decider takes once", key, scope,
                            ex.getMessage());
                }
            }
        } finally {
            synchronized (this) {
                inFlight.remove(k);
            }
        }
    }

    /** Frees a key whose request ended without an answer worth remembering. */
    public synchronized void abandon(String scope, String key) {
        inFlight.remove(keyOf(scope, key));
    }

    /** Scoped by token, so one token's keys never answer another's requests. */
    private static String keyOf(String scope, String key) {
        return scope + "\n" + key;
    }

    private synchronized Optional<Entry> localEntry(String k) {
        expire();
        return Optional.ofNullable(local.get(k)).map(Kept::entry);
    }

    private synchronized void rememberLocally(String k, Entry e) {
        local.remove(k);
        local.put(k, new Kept(e, clock.instant()));
        expire();
    }

    private void expire() {
        Instant oldest = clock.instant().minus(ttl);
        Iterator<Kept> it = local.values().iterator();
        while (it.hasNext()) {
            Instant at = it.next().at();
            if (local.size() > maxEntries || at.isBefore(oldest)) {
                it.remove();
            } else {
                break; // insertion order is time order
            }
        }
    }
}
