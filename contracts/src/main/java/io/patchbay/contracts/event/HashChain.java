package io.patchbay.contracts.event;

import io.patchbay.contracts.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The per-domain hash chain of the event log:
 * {@code hash = sha256(prevHash + canonical JSON of the event without its hash)}, full 64 hex.
 */
public final class HashChain {

    /** The {@code prevHash} of a domain's first event. */
    public static final String GENESIS = "0".repeat(64);

    private HashChain() {}

    /** Fills in {@code prevHash} and {@code hash} of an event that follows {@code prevHash}. */
    public static Event seal(Event event, String prevHash) {
        Event unsealed = new Event(event.domain(), event.seq(), event.patchId(), event.at(), event.body(), prevHash, null);
        return new Event(unsealed.domain(), unsealed.seq(), unsealed.patchId(), unsealed.at(), unsealed.body(),
                prevHash, hashOf(unsealed));
    }

    public static String hashOf(Event event) {
        return Json.sha256Hex(event.prevHash() + Json.canonical(event.withoutHash()));
    }

    /** A place where the chain does not hold, with a sentence saying what is wrong. */
    public record Break(String domain, long seq, int position, String reason) {}

    /**
     * Checks events in log order (several domains may be interleaved) and returns the first break:
     * an event whose hash does not match its content (edited), whose prevHash is not the previous
     * event's hash (dropped or reordered), or whose seq is not one more than the previous one.
     */
    public static Optional<Break> verify(List<Event> events) {
        return verify(events, checked -> { });
    }

    /** As {@link #verify(List)}, telling {@code progress} how many events have been checked so far before each next one. */
    public static Optional<Break> verify(List<Event> events, java.util.function.IntConsumer progress) {
        Map<String, Event> last = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            progress.accept(i);
            Event e = events.get(i);
            Event prev = last.get(e.domain());
            String expectedPrev = prev == null ? GENESIS : prev.hash();
            long expectedSeq = prev == null ? 1 : prev.seq() + 1;
            if (!hashOf(e).equals(e.hash())) {
                return Optional.of(new Break(e.domain(), e.seq(), i,
                        "event " + e.domain() + "#" + e.seq() + " was edited: its hash does not match its content"));
            }
            if (e.seq() != expectedSeq || !expectedPrev.equals(e.prevHash())) {
                String after = prev == null ? "is the first event of " + e.domain() + " in the log"
                        : "follows " + e.domain() + "#" + prev.seq();
                return Optional.of(new Break(e.domain(), e.seq(), i, "event " + e.domain() + "#" + e.seq() + " " + after
                        + " but does not chain to it: an event before it was dropped or the log was reordered"));
            }
            last.put(e.domain(), e);
        }
        return Optional.empty();
    }
}
