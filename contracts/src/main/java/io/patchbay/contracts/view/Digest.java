package io.patchbay.contracts.view;

import java.time.Instant;
import java.util.List;

/**
 * A period's account of every domain: how its patches ended, its SLA breaches, and the head of its
 * event chain, so that a copy of the digest kept outside patchbay (a Slack channel) witnesses the
 * chain: a log rewritten after the digest was posted no longer ends in the posted hash.
 */
public record Digest(Instant since, Instant until, List<Domain> domains) {

    public Digest {
        domains = List.copyOf(domains);
    }

    /**
     * One domain's part: {@code outcomes} of the period, the SlaBreached and Stuck alerts of the
     * period ({@code slaBreaches}, oldest first), its figures at {@code until}, and its chain head.
     */
    public record Domain(
            String domain,
            Outcomes outcomes,
            List<Alert> slaBreaches,
            long queueDepth,
            long inFlight,
            long quarantined,
            boolean frozen,
            long lastSeq,
            String headHash) {

        public Domain {
            slaBreaches = slaBreaches == null ? List.of() : List.copyOf(slaBreaches);
        }
    }
}
