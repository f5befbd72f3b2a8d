package io.patchbay.contracts.view;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A patch's status and the timeline of its events, folded from the event log by the watchdog. */
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
        List<TimelineEntry> timeline) {

    /** One event in a patch's life: its type, when, and a short human detail. */
    public record TimelineEntry(long seq, String type, Instant at, String detail) {}

    public PatchView {
        timeline = timeline == null ? List.of() : List.copyOf(timeline);
    }

    public PatchView append(TimelineEntry entry) {
        var next = new ArrayList<>(timeline);
        next.add(entry);
        return new PatchView(id, domain, title, status, submitter, submittedAt, entry.at(), commitId, summaryPath,
                reason, next);
    }
}
