package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.policy.RiskAssessment;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decider remembers of one patch. The record outlives the patch so that a resubmission
 * is recognised for ever; the patch body is dropped once nothing can run it again.
 * {@code approvalsNeeded} is fixed by the verdict at submission; {@code approvedBy} lists the
 * distinct people who approved so far. {@code risk} and {@code riskRule} are the effective level
 * the verdict gave the patch and what set it; the change window is asked for that level.
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
        List<Submitter> approvedBy,
        Risk risk,
        String riskRule) {

    public PatchRecord {
        approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
    }

    public PatchRecord(String domain, String patchId, String contentId, Patch patch, Submitter submitter,
            PatchStatus status, int attempts, Instant submittedAt) {
        this(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt, 0, null, null, null);
    }

    public PatchRecord(String domain, String patchId, String contentId, Patch patch, Submitter submitter,
            PatchStatus status, int attempts, Instant submittedAt, int approvalsNeeded, List<Submitter> approvedBy) {
        this(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt, approvalsNeeded, approvedBy,
                null, null);
    }

    PatchRecord with(PatchStatus newStatus) {
        // A quarantined patch may be released and run again, so only it keeps its body.
        Patch keep = newStatus.terminal() && newStatus != PatchStatus.QUARANTINED ? null : patch;
        return new PatchRecord(domain, patchId, contentId, keep, submitter, newStatus, attempts, submittedAt,
                approvalsNeeded, approvedBy, risk, riskRule);
    }

    PatchRecord withAttempts(int n) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, n, submittedAt, approvalsNeeded,
                approvedBy, risk, riskRule);
    }

    PatchRecord needingApprovals(int n) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt, n,
                approvedBy, risk, riskRule);
    }

    PatchRecord approvedBy(Submitter approver) {
        var by = new ArrayList<>(approvedBy);
        by.add(approver);
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt,
                approvalsNeeded, by, risk, riskRule);
    }

    PatchRecord withRisk(Risk level, String rule) {
        return new PatchRecord(domain, patchId, contentId, patch, submitter, status, attempts, submittedAt,
                approvalsNeeded, approvedBy, level, rule);
    }

    /**
     * The level approvals and change windows go by: the verdict's; for a record kept before the
     * verdict set it, the level the patch stated, else low.
     */
    Risk riskLevel() {
        if (risk != null) {
            return risk;
        }
        return patch == null || patch.risk() == null ? Risk.LOW : patch.risk();
    }

    /** The level and what set it, for the reasons of holds: {@code high, by the contract's rule 'paths deploy/**'}. */
    String riskExplained() {
        return RiskAssessment.explain(riskLevel(), riskRule);
    }

    int approvalsMissing() {
        return Math.max(0, approvalsNeeded - approvedBy.size());
    }
}
