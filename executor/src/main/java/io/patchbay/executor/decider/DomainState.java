package io.patchbay.executor.decider;

import io.patchbay.contracts.event.HashChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decider keeps per domain: the head of the hash chain, the patches waiting their turn
 * (oldest first) and the one patch that holds the domain, either dispatched or waiting for a retry.
 */
public record DomainState(String domain, long lastSeq, String headHash, List<String> queue, Slot current) {

    /**
     * The patch that holds the domain. {@code notBefore} is null while attempt {@code attempt} is
     * dispatched; otherwise attempt {@code attempt} waits for that instant before it is dispatched.
     * {@code firstAttempt} is where this run of attempts began: a released patch goes on counting
     * from where it stopped, so a late result of an earlier life can never pass for a new one.
     */
    public record Slot(String patchId, int attempt, Instant notBefore, int firstAttempt) {

        Slot next(Instant at) {
            return new Slot(patchId, attempt + 1, at, firstAttempt);
        }

        Slot dispatched() {
            return new Slot(patchId, attempt, null, firstAttempt);
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
    }

    public DomainState {
        queue = queue == null ? List.of() : List.copyOf(queue);
        headHash = headHash == null ? HashChain.GENESIS : headHash;
    }

    static DomainState fresh(String domain) {
        return new DomainState(domain, 0, HashChain.GENESIS, List.of(), null);
    }

    DomainState chained(long seq, String hash) {
        return new DomainState(domain, seq, hash, queue, current);
    }

    DomainState withCurrent(Slot slot) {
        return new DomainState(domain, lastSeq, headHash, queue, slot);
    }

    DomainState enqueue(String patchId) {
        var q = new ArrayList<>(queue);
        q.add(patchId);
        return new DomainState(domain, lastSeq, headHash, q, current);
    }

    DomainState without(String patchId) {
        var q = new ArrayList<>(queue);
        q.remove(patchId);
        return new DomainState(domain, lastSeq, headHash, q, current);
    }
}
