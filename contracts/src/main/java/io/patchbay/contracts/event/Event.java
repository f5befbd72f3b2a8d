package io.patchbay.contracts.event;

import java.time.Instant;

/**
 * One entry of {@code patchbay.events}, keyed by domain. {@code seq} counts from 1 per domain, and
 * {@code hash = sha256(prevHash + canonical JSON of this event without its hash)}, so any edited,
 * dropped or reordered event breaks the chain. See {@link HashChain}.
 */
public record Event(String domain, long seq, String patchId, Instant at, EventBody body, String prevHash, String hash) {

    public String type() {
        return EventTypes.nameOf(body);
    }

    public Event withoutHash() {
        return new Event(domain, seq, patchId, at, body, prevHash, null);
    }
}
