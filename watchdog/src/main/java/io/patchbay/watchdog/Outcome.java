package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.time.Duration;
import java.time.Instant;

/**
 * One terminal event of a patch, kept for the windowed figures (last hour, last day, digests).
 *
 * @param latencyMs submission to this event, null when the log no longer holds the submission
 * @param failureClass the FailureClass name of a Failed event, else null
 * @param score the rubric score the event carries, else null
 */
record Outcome(String patchId, PatchStatus status, Instant at, Long latencyMs, String failureClass, Double score) {

    /** The outcome of a terminal {@code event} that moved the patch to {@code after}. */
    static Outcome of(Event event, PatchView before, PatchView after) {
        Instant submittedAt = before == null ? null : before.submittedAt();
        Long latency = submittedAt == null || event.at() == null ? null
                : Math.max(0, Duration.between(submittedAt, event.at()).toMillis());
        String failureClass = null;
        Double score = null;
        if (event.body() instanceof EventBody.Failed f) {
            failureClass = f.failureClass() == null ? null : f.failureClass().name();
            score = f.score();
        } else if (event.body() instanceof EventBody.Succeeded s) {
            score = s.score();
        }
        return new Outcome(event.patchId(), after.status(), event.at(), latency, failureClass, score);
    }

    /** A run that ended: what the latency percentiles and the success rate are about. */
    boolean ran() {
        return status == PatchStatus.SUCCEEDED || status == PatchStatus.FAILED || status == PatchStatus.QUARANTINED;
    }

    boolean unsuccessfulRun() {
        return status == PatchStatus.FAILED || status == PatchStatus.QUARANTINED;
    }
}
