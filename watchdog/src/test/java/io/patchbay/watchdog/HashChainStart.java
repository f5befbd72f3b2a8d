package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import java.time.Instant;

/** A sealed event in the middle of a chain, as the first one a truncated log still holds. */
final class HashChainStart {

    private HashChainStart() {}

    static Event at(String domain, long seq, String patchId, Instant at, EventBody body) {
        return HashChain.seal(new Event(domain, seq, patchId, at, body, null, null), "ab".repeat(32));
    }
}
