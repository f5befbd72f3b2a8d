package io.patchbay.contracts.view;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a domain's patches ended between {@code since} and {@code until}, counted per terminal event.
 *
 * @param failuresByClass Failed events by {@link io.patchbay.contracts.work.FailureClass} name
 * @param latency submission to Succeeded or Failed, in milliseconds (patches whose submission the log
 *     no longer holds are counted but not measured)
 * @param successRate succeeded / (succeeded + failed + quarantined), the patches that ran and ended;
 *     null when none did. Rejections and cancellations are not the executor's doing and are left out.
 * @param meanScore the mean self-evaluation rubric score of the outcomes that carry one, null when none does
 * @param scored how many outcomes carry a score
 */
public record Outcomes(
        Instant since,
        Instant until,
        long succeeded,
        long failed,
        long rejected,
        long cancelled,
        long quarantined,
        long discarded,
        Map<String, Long> failuresByClass,
        Latency latency,
        Double successRate,
        Double meanScore,
        long scored) {

    public Outcomes {
        failuresByClass = failuresByClass == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(failuresByClass));
        latency = latency == null ? Latency.NONE : latency;
    }

    public static Outcomes none(Instant since, Instant until) {
        return new Outcomes(since, until, 0, 0, 0, 0, 0, 0, Map.of(), Latency.NONE, null, null, 0);
    }

    /** Every terminal event of the period. */
    public long total() {
        return succeeded + failed + rejected + cancelled + quarantined + discarded;
    }
}
