package io.patchbay.watchdog;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Outcomes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Which of a domain's SLA limits its figures exceed right now. Pure, so the rules are tested alone. */
final class SlaCheck {

    static final String QUEUE_DEPTH = "queueDepth";
    static final String OLDEST_PENDING = "oldestPending";
    static final String QUARANTINE = "quarantine";
    static final String SUCCESS_RATE = "successRate";

    /** Every limit the check watches, in the order alerts about them are sent. */
    static final List<String> LIMITS = List.of(QUEUE_DEPTH, OLDEST_PENDING, QUARANTINE, SUCCESS_RATE);

    /** One exceeded limit: the limit as written in the contract, the value seen, and a sentence. */
    record Breach(String limit, String value, String message) {}

    private SlaCheck() {}

    /**
     * Exceeded limits by name; a figure equal to its limit is still within it. The success rate is
     * that of {@code lastHour}'s runs (null: not checked), and is not breached while nothing ran.
     */
    static Map<String, Breach> breaches(DomainView d, Outcomes lastHour, DomainPolicy.Sla sla, Instant now) {
        var out = new LinkedHashMap<String, Breach>();
        if (d.queueDepth() > sla.queueDepth()) {
            out.put(QUEUE_DEPTH, new Breach(limitText(QUEUE_DEPTH, sla), figure(QUEUE_DEPTH, d, lastHour, now),
                    d.domain() + ": " + d.queueDepth() + " patches wait, more than the limit of " + sla.queueDepth()));
        }
        if (d.oldestPendingSince() != null) {
            Duration age = Duration.between(d.oldestPendingSince(), now);
            if (age.compareTo(Durations.parse(sla.oldestPending())) > 0) {
                out.put(OLDEST_PENDING, new Breach(limitText(OLDEST_PENDING, sla), age.toString(),
                        d.domain() + ": the oldest pending patch has waited " + age.toSeconds() + " s, longer than "
                                + sla.oldestPending()));
            }
        }
        if (d.quarantined() > sla.quarantine()) {
            out.put(QUARANTINE, new Breach(limitText(QUARANTINE, sla), figure(QUARANTINE, d, lastHour, now),
                    d.domain() + ": " + d.quarantined() + " patches in quarantine, more than the limit of " + sla.quarantine()));
        }
        if (lastHour != null && lastHour.successRate() != null && lastHour.successRate() < sla.successRate()) {
            long ran = lastHour.succeeded() + lastHour.failed() + lastHour.quarantined();
            out.put(SUCCESS_RATE, new Breach(limitText(SUCCESS_RATE, sla), figure(SUCCESS_RATE, d, lastHour, now),
                    d.domain() + ": " + lastHour.succeeded() + " of " + ran + " patches that ran in the last hour succeeded ("
                            + percent(lastHour.successRate()) + "), below the limit of " + percent(sla.successRate())));
        }
        return out;
    }

    /** Whether a patch that has been in flight since {@code since} has run past the contract's run time. */
    static boolean stuck(Instant since, DomainPolicy.Sla sla, Instant now) {
        return Duration.between(since, now).compareTo(Durations.parse(sla.runTime())) > 0;
    }

    /** The figure a limit is compared with, as the alert's value. */
    static String figure(String limit, DomainView d, Outcomes lastHour, Instant now) {
        return switch (limit) {
            case QUEUE_DEPTH -> Long.toString(d.queueDepth());
            case QUARANTINE -> Long.toString(d.quarantined());
            case SUCCESS_RATE -> lastHour == null || lastHour.successRate() == null ? "none ran"
                    : String.format(Locale.ROOT, "%.2f", lastHour.successRate());
            default -> d.oldestPendingSince() == null ? "PT0S" : Duration.between(d.oldestPendingSince(), now).toString();
        };
    }

    /** The limit as the contract writes it, such as {@code sla.queueDepth=50}. */
    static String limitText(String limit, DomainPolicy.Sla sla) {
        return switch (limit) {
            case QUEUE_DEPTH -> "sla.queueDepth=" + sla.queueDepth();
            case QUARANTINE -> "sla.quarantine=" + sla.quarantine();
            case SUCCESS_RATE -> "sla.successRate=" + sla.successRate();
            default -> "sla.oldestPending=" + sla.oldestPending();
        };
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.0f%%", rate * 100);
    }
}
