package io.patchbay.watchdog;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.view.DomainView;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Which of a domain's SLA limits its figures exceed right now. Pure, so the rules are tested alone. */
final class SlaCheck {

    static final String QUEUE_DEPTH = "queueDepth";
    static final String OLDEST_PENDING = "oldestPending";
    static final String QUARANTINE = "quarantine";

    /** One exceeded limit: the limit as written in the contract, the value seen, and a sentence. */
    record Breach(String limit, String value, String message) {}

    private SlaCheck() {}

    /** Exceeded limits by name; a figure equal to its limit is still within it. */
    static Map<String, Breach> breaches(DomainView d, DomainPolicy.Sla sla, Instant now) {
        var out = new LinkedHashMap<String, Breach>();
        if (d.queueDepth() > sla.queueDepth()) {
            out.put(QUEUE_DEPTH, new Breach("sla.queueDepth=" + sla.queueDepth(), Long.toString(d.queueDepth()),
                    d.domain() + ": " + d.queueDepth() + " patches wait, more than the limit of " + sla.queueDepth()));
        }
        if (d.oldestPendingSince() != null) {
            Duration age = Duration.between(d.oldestPendingSince(), now);
            Duration limit = Durations.parse(sla.oldestPending());
            if (age.compareTo(limit) > 0) {
                out.put(OLDEST_PENDING, new Breach("sla.oldestPending=" + sla.oldestPending(), age.toString(),
                        d.domain() + ": the oldest pending patch has waited " + age.toSeconds() + " s, longer than "
                                + sla.oldestPending()));
            }
        }
        if (d.quarantined() > sla.quarantine()) {
            out.put(QUARANTINE, new Breach("sla.quarantine=" + sla.quarantine(), Long.toString(d.quarantined()),
                    d.domain() + ": " + d.quarantined() + " patches in quarantine, more than the limit of " + sla.quarantine()));
        }
        return out;
    }

    /** Whether a patch that has been in flight since {@code since} has run past the contract's run time. */
    static boolean stuck(Instant since, DomainPolicy.Sla sla, Instant now) {
        return Duration.between(since, now).compareTo(Durations.parse(sla.runTime())) > 0;
    }
}
