package io.patchbay.contracts.view;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Risk;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A patch's status and the timeline of its events, folded from the event log by the watchdog.
 * {@code risk} is the effective risk level the contract gave the patch when it accepted it, and
 * {@code riskRule} what set it (a rule of the contract, {@code submitter} or {@code default}); both
 * are null until then. {@code violations} are the contract's reasons for a rejection, each with its
 * code and sentence; null for a patch the contract did not reject. {@code waitingBehind} names the
 * patch it waits behind at the worker while it is dispatched but not started (it runs once that one
 * landed); null otherwise. Such a patch still counts in its domain's queue.
 */
public record PatchView(
        String id,
        String domain,
        String title,
        PatchStatus status,
        String submitter,
        Instant submittedAt,
        Instant updatedAt,
        String commitId,
        String summaryPath,
        String reason,
        List<TimelineEntry> timeline,
        Risk risk,
        String riskRule,
        List<Violation> violations,
        String waitingBehind) {

    /** One event in a patch's life: its type, when, and a short human detail. */
    public record TimelineEntry(long seq, String type, Instant at, String detail) {}

    public PatchView {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
        violations = violations == null ? null : List.copyOf(violations);
    }

    public PatchView(String id, String domain, String title, PatchStatus status, String submitter, Instant submittedAt,
            Instant updatedAt, String commitId, String summaryPath, String reason, List<TimelineEntry> timeline,
            Risk risk, String riskRule, List<Violation> violations) {
        this(id, domain, title, status, submitter, submittedAt, updatedAt, commitId, summaryPath, reason, timeline,
                risk, riskRule, violations, null);
    }

    public PatchView(String id, String domain, String title, PatchStatus status, String submitter, Instant submittedAt,
            Instant updatedAt, String commitId, String summaryPath, String reason, List<TimelineEntry> timeline,
            Risk risk, String riskRule) {
        this(id, domain, title, status, submitter, submittedAt, updatedAt, commitId, summaryPath, reason, timeline,
                risk, riskRule, null);
    }

    public PatchView(String id, String domain, String title, PatchStatus status, String submitter, Instant submittedAt,
            Instant updatedAt, String commitId, String summaryPath, String reason, List<TimelineEntry> timeline) {
        this(id, domain, title, status, submitter, submittedAt, updatedAt, commitId, summaryPath, reason, timeline, null,
                null);
    }

    public PatchView append(TimelineEntry entry) {
        var next = new ArrayList<>(timeline);
        next.add(entry);
        return new PatchView(id, domain, title, status, submitter, submittedAt, entry.at(), commitId, summaryPath,
                reason, next, risk, riskRule, violations, waitingBehind);
    }

    /** Whether the patch waits to run: in its status, or dispatched behind another and not started. */
    public boolean waiting() {
        return waitingBehind != null || (status != null && status.pending());
    }
}
