package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;

/**
 * What the decider remembers of one patch. The record outlives the patch so that a resubmission
 * is recognised for ever; the patch body is dropped once nothing can run it again.
 */
public record PatchRecord(
        String domain,
        String patchId,
        String contentId,
        Patch patch,
        Submitter submitter,
        PatchStatus status,
        int attempts,
        Instant submittedAt) {

    PatchRecord with(PatchStatus newStatus) {
        // A quarantined patch may be released and run again, so only it keeps its body.
        Patch keep = newStatus.terminal() && newStatus != PatchStatus.QUARANTINED ? null : patch;
        return new PatchRecord(domain, patchId, contentId, keep, submitter, newStatus, attempts, submittedAt);
    }

    PatchRecord withAttempts(int n) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, n, submittedAt);
    }
}
