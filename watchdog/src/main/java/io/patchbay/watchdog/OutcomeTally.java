package io.patchbay.watchdog;

import io.patchbay.contracts.view.Latency;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Adds up {@link Outcome}s into {@link Outcomes}. Pure. */
final class OutcomeTally {

    private final Instant since;
    private final Instant until;
    private long succeeded;
    private long failed;
    private long rejected;
    private long cancelled;
    private long quarantined;
    private long discarded;
    private final Map<String, Long> failuresByClass = new TreeMap<>();
    private long[] latencies = new long[16];
    private int measured;
    private double scoreSum;
    private long scored;

    OutcomeTally(Instant since, Instant until) {
        this.since = since;
        this.until = until;
    }

    OutcomeTally add(Outcome o) {
        switch (o.status()) {
            case SUCCEEDED -> succeeded++;
            case FAILED -> {
                failed++;
                failuresByClass.merge(o.failureClass() == null ? "UNKNOWN" : o.failureClass(), 1L, Long::sum);
            }
            case REJECTED -> rejected++;
            case CANCELLED -> cancelled++;
            case QUARANTINED -> quarantined++;
            case DISCARDED -> discarded++;
            default -> {
                // only terminal statuses are recorded as outcomes
            }
        }
        if ((o.status() == PatchStatus.SUCCEEDED
                || o.status() == PatchStatus.FAILED) && o.latencyMs() != null) {
            if (measured == latencies.length) {
                latencies = Arrays.copyOf(latencies, measured * 2);
            }
            latencies[measured++] = o.latencyMs();
        }
        if (o.score() != null && Double.isFinite(o.score())) {
            scoreSum += o.score();
            scored++;
        }
        return this;
    }

    Outcomes outcomes() {
        long ran = succeeded + failed + quarantined;
        Double successRate = ran == 0 ? null : (double) succeeded / ran;
        Double meanScore = scored == 0 ? null : scoreSum / scored;
        return new Outcomes(since, until, succeeded, failed, rejected, cancelled, quarantined, discarded, failuresByClass,
                Latency.of(Arrays.copyOf(latencies, measured)), successRate, meanScore, scored);
    }
}
