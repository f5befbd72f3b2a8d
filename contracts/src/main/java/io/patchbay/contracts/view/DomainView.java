package io.patchbay.contracts.view;

import java.time.Instant;

/**
 * A domain's figures, folded from its events: how many patches wait, run, sit in quarantine or
 * await approval, how many ended which way, and the head of its hash chain.
 */
public record DomainView(
        String domain,
        long queueDepth,
        long inFlight,
        long awaitingApproval,
        long quarantined,
        long succeeded,
        long failed,
        long rejected,
        long cancelled,
        Instant oldestPendingSince,
        Instant lastEventAt,
        long lastSeq,
        String headHash) {

    public static DomainView empty(String domain) {
        return new DomainView(domain, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0, null);
    }
}
