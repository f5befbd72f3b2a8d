package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Holds;
import io.patchbay.contracts.policy.Identities;
import io.patchbay.contracts.view.PatchStatus;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approval holds: a patch whose risk needs approvals waits outside the queue until enough distinct
 * people allowed by the contract approved it (people, not credentials: the contract's identities
 * join a person's token and Slack account), then joins the queue at its tail. An approver may
 * turn it down instead (and a patch still queued, too).
 */
final class Approvals {

    private static final Logger log = LoggerFactory.getLogger(Approvals.class);

    private final Decisions decisions;

    Approvals(Decisions decisions) {
        this.decisions = decisions;
    }

    /** An accepted patch starts to wait for {@code needed} approvals. */
    void await(Transition tx, PatchRecord record, int needed) {
        PatchRecord waiting = record.needingApprovals(needed).with(PatchStatus.AWAITING_APPROVAL);
        tx.event(record.domain(), record.patchId(), new EventBody.AwaitingApproval(reason(waiting), needed));
        log.info("patch {} waits for {} approval(s)", record.patchId(), needed);
    }

    void approve(Transition tx, PatchRecord p, Command.Approve a) {
        Optional<String> refusal = approvalRefusal(p, a.by());
        if (refusal.isPresent()) {
            decisions.refuse(tx, p.domain(), p.patchId(), a, refusal.get());
            return;
        }
        PatchRecord approved = p.approvedBy(a.by());
        tx.event(p.domain(), p.patchId(), new EventBody.Approved(a.by()));
        log.info("patch {} approved by {} ({} of {})", p.patchId(), a.by(), approved.approvedBy().size(),
                approved.approvalsNeeded());
        if (approved.approvalsMissing() > 0) {
            // Approved alone reads as "ready" in the views: say again what the patch still waits for.
            tx.event(p.domain(), p.patchId(), new EventBody.AwaitingApproval(reason(approved),
                    approved.approvalsMissing()));
            return;
        }
        decisions.enqueue(tx, tx.patch(p.domain(), p.patchId()));
        decisions.dispatchNext(tx, p.domain());
    }

    private Optional<String> approvalRefusal(PatchRecord p, Submitter by) {
        String id = "patch '" + p.patchId() + "'";
        if (p.status() != PatchStatus.AWAITING_APPROVAL) {
            return Optional.of(id + " is " + p.status().label() + " and does not wait for approval");
        }
        Optional<DomainPolicy> policy = decisions.policy(p.domain());
        if (policy.isEmpty()) {
            return Optional.of("the contract in force has no domain '" + p.domain() + "', so nobody may approve " + id);
        }
        Identities people = decisions.people();
        Optional<String> rule = Holds.approvalRefusal(policy.get(), people, p.submitter(), by);
        if (rule.isPresent()) {
            return rule;
        }
        // One person approving from HTTP and from Slack is still one approval.
        Optional<Submitter> earlier = p.approvedBy().stream().filter(b -> people.samePerson(b, by)).findFirst();
        if (earlier.isPresent()) {
            String person = people.personOf(by);
            return Optional.of((person.equals(by.toString()) ? by.toString() : person + " (" + by + ")")
                    + " already approved " + id + (earlier.get().equals(by) ? "" : " as " + earlier.get())
                    + "; approvals count distinct people (" + p.approvedBy().size() + " of " + p.approvalsNeeded()
                    + " given)");
        }
        return Optional.empty();
    }

    /** Turns down a patch that has not started: one awaiting approval, queued, or held for its window. */
    void reject(Transition tx, PatchRecord p, Command.Reject r) {
        boolean waiting = p.status() == PatchStatus.AWAITING_APPROVAL;
        boolean queued = tx.domain(p.domain()).queue().contains(p.patchId());
        if (!waiting && !queued) {
            decisions.refuse(tx, p.domain(), p.patchId(), r, "patch '" + p.patchId() + "' is " + p.status().label()
                    + "; only a patch that has not started can be rejected (cancel stops a running one)");
            return;
        }
        Optional<String> refusal = decisions.policy(p.domain())
                .map(policy -> Holds.rejectionRefusal(policy, decisions.people(), r.by()))
                .orElse(Optional.of("the contract in force has no domain '" + p.domain() + "'"));
        if (refusal.isPresent()) {
            decisions.refuse(tx, p.domain(), p.patchId(), r, refusal.get());
            return;
        }
        tx.event(p.domain(), p.patchId(), new EventBody.RejectedByApprover(r.by(), r.reason()));
        log.info("patch {} rejected by {}: {}", p.patchId(), r.by(), r.reason());
        // It may have been the head of the queue, held for its window: the next patch may go now.
        decisions.dispatchNext(tx, p.domain());
    }

    private static String reason(PatchRecord p) {
        String given = p.approvedBy().isEmpty() ? ""
                : "; " + p.approvedBy().size() + " of " + p.approvalsNeeded() + " given";
        return p.riskLevel().label() + "-risk patches in domain '" + p.domain() + "' need " + p.approvalsNeeded()
                + (p.approvalsNeeded() == 1 ? " approval" : " approvals") + given + " (risk " + p.riskExplained() + ")";
    }
}
