package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.HashChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the decider keeps per domain: the head of the hash chain, the patches waiting their turn
 * (oldest first), the patch that holds the domain (dispatched or waiting for a retry), the patches
 * already dispatched behind it, the change-window hold of the queue's head, and when each
 * quarantined patch was quarantined.
 *
 * <p>{@code pipelined} is the rest of the dispatch window: orders sent to the worker while
 * {@code current} still runs, each to start only once the one before it landed (the worker checks
 * that against HEAD). They are in dispatch order, only ever behind a dispatched {@code current}, and
 * go back to the queue, in order, as soon as {@code current} ends in anything but success.
 */
public record DomainState(String domain, long lastSeq, String headHash, List<String> queue, Slot current,
        WindowHold windowHold, Map<String, Instant> quarantinedAt, List<Slot> pipelined) {

    /**
     * The patch that holds the domain. {@code notBefore} is null while attempt {@code attempt} is
     * dispatched; otherwise attempt {@code attempt} waits for that instant before it is dispatched.
     * {@code firstAttempt} is where this run of attempts began: a released patch goes on counting
     * from where it stopped, so a late result of an earlier life can never pass for a new one.
     * {@code cancel} is set once someone asked to stop the dispatched attempt.
     */
    public record Slot(String patchId, int attempt, Instant notBefore, int firstAttempt, CancelRequest cancel) {

        public Slot(String patchId, int attempt, Instant notBefore, int firstAttempt) {
            this(patchId, attempt, notBefore, firstAttempt, null);
        }

        Slot next(Instant at) {
            return new Slot(patchId, attempt + 1, at, firstAttempt, null);
        }

        Slot cancelling(CancelRequest request) {
            return new Slot(patchId, attempt, notBefore, firstAttempt, request);
        }

        /** How many attempts this run has made, counting the current one. */
        int attemptsSoFar() {
            return attempt - firstAttempt + 1;
        }

        boolean waitingForRetry() {
            return notBefore != null;
        }

        boolean runs(String id, int n) {
            return notBefore == null && patchId.equals(id) && attempt == n;
        }

        boolean holds(String id) {
            return patchId.equals(id);
        }
    }

    /** Who asked to stop the running attempt, and why. */
    public record CancelRequest(Submitter by, String reason) {}

    /** The head of the queue waits for its change window: until {@code until} (null: no window opens). */
    public record WindowHold(String patchId, Instant until) {}

    public DomainState {
        queue = queue == null ? List.of() : List.copyOf(queue);
        pipelined = pipelined == null ? List.of() : List.copyOf(pipelined);
        headHash = headHash == null ? HashChain.GENESIS : headHash;
        quarantinedAt = quarantinedAt == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(quarantinedAt));
    }

    public DomainState(String domain, long lastSeq, String headHash, List<String> queue, Slot current) {
        this(domain, lastSeq, headHash, queue, current, null, null, null);
    }

    /** The pipelined slot of the patch, or null. */
    Slot pipelinedSlot(String patchId) {
        return pipelined.stream().filter(s -> s.holds(patchId)).findFirst().orElse(null);
    }

    /**
     * The patch is handed to the worker: out of the queue (and its window hold), as the order that
     * holds the domain ({@code after} null; a retry keeps counting its attempts) or behind the others.
     */
    DomainState dispatched(String patchId, int attempt, String after) {
        DomainState d = without(patchId);
        if (after != null) {
            var p = new ArrayList<>(d.pipelined);
            p.add(new Slot(patchId, attempt, null, attempt));
            return new DomainState(domain, lastSeq, headHash, d.queue, d.current, d.windowHold, quarantinedAt, p);
        }
        int first = d.current != null && d.current.holds(patchId) ? d.current.firstAttempt() : attempt;
        return d.withCurrent(new Slot(patchId, attempt, null, first));
    }

    /** Somebody asked to stop the patch's dispatched attempt, running or behind the one that runs. */
    DomainState cancelling(String patchId, CancelRequest request) {
        if (current != null && current.holds(patchId)) {
            return withCurrent(current.cancelling(request));
        }
        var p = new ArrayList<Slot>();
        for (Slot s : pipelined) {
            p.add(s.holds(patchId) ? s.cancelling(request) : s);
        }
        return new DomainState(domain, lastSeq, headHash, queue, current, windowHold, quarantinedAt, p);
    }

    /** The patch at {@code position} in the queue (from 1; past the tail means the tail). */
    DomainState queuedAt(String patchId, int position) {
        var q = new ArrayList<>(queue);
        q.remove(patchId);
        q.add(Math.max(0, Math.min(position - 1, q.size())), patchId);
        return new DomainState(domain, lastSeq, headHash, q, current, windowHold, quarantinedAt, pipelined);
    }

    /** The patch holds no place in the domain any more: not queued, held, dispatched or running. */
    DomainState forget(String patchId) {
        Slot cur = current != null && current.holds(patchId) ? null : current;
        var p = new ArrayList<Slot>();
        for (Slot s : pipelined) {
            if (!s.holds(patchId)) {
                p.add(s);
            }
        }
        DomainState d = without(patchId);
        return new DomainState(domain, lastSeq, headHash, d.queue, cur, d.windowHold, quarantinedAt, p);
    }

    /** {@code current} ended in success: the first pipelined order, already dispatched, holds the domain now. */
    DomainState promoted() {
        Slot next = pipelined.isEmpty() ? null : pipelined.get(0);
        List<Slot> rest = pipelined.isEmpty() ? List.of() : pipelined.subList(1, pipelined.size());
        return new DomainState(domain, lastSeq, headHash, queue, next, windowHold, quarantinedAt, rest);
    }

    static DomainState fresh(String domain) {
        return new DomainState(domain, 0, HashChain.GENESIS, List.of(), null);
    }

    DomainState chained(long seq, String hash) {
        return new DomainState(domain, seq, hash, queue, current, windowHold, quarantinedAt, pipelined);
    }

    DomainState withCurrent(Slot slot) {
        return new DomainState(domain, lastSeq, headHash, queue, slot, windowHold, quarantinedAt, pipelined);
    }

    /** Takes the patch out of the queue, and out of the window hold when it was the one held. */
    DomainState without(String patchId) {
        var q = new ArrayList<>(queue);
        q.remove(patchId);
        WindowHold hold = windowHold != null && windowHold.patchId().equals(patchId) ? null : windowHold;
        return new DomainState(domain, lastSeq, headHash, q, current, hold, quarantinedAt, pipelined);
    }

    DomainState withWindowHold(WindowHold hold) {
        return new DomainState(domain, lastSeq, headHash, queue, current, hold, quarantinedAt, pipelined);
    }

    DomainState quarantined(String patchId, Instant at) {
        var m = new TreeMap<>(quarantinedAt);
        m.put(patchId, at);
        return new DomainState(domain, lastSeq, headHash, queue, current, windowHold, m, pipelined);
    }

    DomainState unquarantined(String patchId) {
        var m = new TreeMap<>(quarantinedAt);
        m.remove(patchId);
        return new DomainState(domain, lastSeq, headHash, queue, current, windowHold, m, pipelined);
    }
}
