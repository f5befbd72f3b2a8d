package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decider remembers of one patch. The record outlives the patch so that a resubmission
 * is recognised for ever; the patch body is dropped once nothing can run it again.
 * {@code approvalsNeeded} is fixed by the verdict at submission; {@code approvedBy} lists the
 * distinct people who approved so far.
 */
public record PatchRecord(
        String domain,
        String patchId,
        String contentId,
        Patch patch,
        Submitter submitter,
        PatchStatus status,
        int attempts,
        Instant submittedAt,
        int approvalsNeeded,
        List<Submitter> approvedBy) {

    public PatchRecord {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
    }

    public PatchRecord(String domain, String patchId, String contentId, Patch patch, Submitter submitter,
            PatchStatus status, int attempts, Instant submittedAt) {
        this(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt, 0, null);
    }

    PatchRecord with(PatchStatus newStatus) {
        // A quarantined patch may be released and run again, so only it keeps its body.
        Patch keep = newStatus.terminal() && newStatus != PatchStatus.QUARANTINED ? null : patch;
        return new PatchRecord(domain, patchId, contentId, keep, submitter, newStatus, attempts, submittedAt,
                approvalsNeeded, approvedBy);
    }

    PatchRecord withAttempts(int n) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, n, submittedAt, approvalsNeeded,
                approvedBy);
    }

    PatchRecord needingApprovals(int n) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt, n,
                approvedBy);
    }

    PatchRecord approvedBy(Submitter approver) {
        var by = new ArrayList<>(approvedBy);
        by.add(approver);
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt,
                approvalsNeeded, by);
    }

    int approvalsMissing() {
        return Math.max(0, approvalsNeeded - approvedBy.size());
    }
}
