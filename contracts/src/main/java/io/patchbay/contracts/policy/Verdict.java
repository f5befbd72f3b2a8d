package io.patchbay.contracts.policy;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Risk;
import java.time.Instant;
import java.util.List;

/**
 * The contract's answer for one patch: every violation found, and the contract that answered. An
 * allowed patch may still have to wait: for {@code approvalsNeeded} approvals, and until
 * {@code holdUntil} (null: no wait) when its risk level may only run in a change window that is
 * closed now. Waiting is not a violation. {@code risk} is the patch's effective level and
 * {@code riskRule} what set it (see {@link RiskAssessment}); both are null when the patch names no
 * domain of the contract.
 */
public record Verdict(List<Violation> violations, String contractVersion, String contractHash, int approvalsNeeded,
        Instant holdUntil, Risk risk, String riskRule) {

    public Verdict {
        violations = List.copyOf(violations);
    }

    public Verdict(List<Violation> violations, String contractVersion, String contractHash) {
        this(violations, contractVersion, contractHash, 0, null, null, null);
    }

    public Verdict(List<Violation> violations, String contractVersion, String contractHash, int approvalsNeeded,
            Instant holdUntil) {
        this(violations, contractVersion, contractHash, approvalsNeeded, holdUntil, null, null);
    }

    /** This verdict with {@code more} violations found beside the contract check. */
    public Verdict plus(List<Violation> more) {
        if (more.isEmpty()) {
            return this;
        }
        var all = new java.util.ArrayList<>(violations);
        all.addAll(more);
        return new Verdict(all, contractVersion, contractHash, approvalsNeeded, holdUntil, risk, riskRule);
    }

    public boolean allowed() {
        return violations.isEmpty();
    }

    /** Whether the patch is allowed but must be approved before it runs. */
    public boolean needsApproval() {
        return allowed() && approvalsNeeded > 0;
    }

    /** Whether the patch is allowed but must wait for its change window to open. */
    public boolean heldForWindow() {
        return allowed() && holdUntil != null;
    }
}
