package io.patchbay.contracts.policy;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Risk;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an allowed patch waits for before it runs, by the contract's risk rules: approvals, and its
 * change window. Pure functions of (risk, policy, clock), so the decider can ask again at dispatch
 * time (a patch approved at 16:59 may no longer run at 17:01) and replay gives the same answer.
 */
public final class Holds {

    private Holds() {}

    /** How many approvals a patch of this risk needs in the domain. */
    public static int approvalsNeeded(DomainPolicy policy, Risk risk) {
        return policy.risk().level(risk).approvals();
    }

    /**
     * When a patch of this risk may run: {@code now} when one of its windows is open now or it has
     * none, otherwise the next opening of any of them; empty if none ever opens.
     */
    public static Optional<Instant> mayRunAt(DomainPolicy policy, Risk risk, Instant now) {
        return nextOpening(policy.risk().level(risk).windows(), now);
    }

    /** The first instant at or after {@code now} when one of the windows is open; {@code now} when there are none. */
    public static Optional<Instant> nextOpening(List<ChangeWindow> windows, Instant now) {
        if (windows.isEmpty()) {
            return Optional.of(now);
        }
        return windows.stream()
                .map(w -> w.nextOpening(now))
                .flatMap(Optional::stream)
                .min(Instant::compareTo);
    }

    /** Whether a patch of this risk may run at {@code now}. */
    public static boolean windowOpen(DomainPolicy policy, Risk risk, Instant now) {
        return mayRunAt(policy, risk, now).filter(now::equals).isPresent();
    }

    /**
     * Why {@code approver} may not approve a patch {@code submitter} submitted, or empty when the
     * approval counts. Each credential is its own person.
     */
    public static Optional<String> approvalRefusal(DomainPolicy policy, Submitter submitter, Submitter approver) {
        return approvalRefusal(policy, Identities.NONE, submitter, approver);
    }

    /**
     * Why {@code approver} may not approve a patch {@code submitter} submitted, or empty when the
     * approval counts; submitter and approver are compared as people.
     */
    public static Optional<String> approvalRefusal(DomainPolicy policy, Identities people, Submitter submitter,
            Submitter approver) {
        DomainPolicy.RiskRules rules = policy.risk();
        if (approver == null) {
            return Optional.of("an approval must say who gives it");
        }
        if (rules.fourEyes() && people.samePerson(approver, submitter)) {
            String person = people.personOf(approver);
            return Optional.of(approver + (person.equals(approver.toString()) ? "" : " (" + person + ")")
                    + " submitted the patch" + (approver.equals(submitter) ? "" : " as " + submitter)
                    + " and may not approve it too, from any channel (four eyes)");
        }
        if (!rules.mayApprove(people, approver, submitter)) {
            return Optional.of(approver + " is not among the domain's approvers");
        }
        return Optional.empty();
    }

    /**
     * Why {@code rejecter} may not turn a patch down, or empty when the rejection stands. Rejecting
     * is the approvers' veto, so the approver list applies; four eyes does not, since turning down
     * one's own patch lands nothing.
     */
    public static Optional<String> rejectionRefusal(DomainPolicy policy, Submitter rejecter) {
        return rejectionRefusal(policy, Identities.NONE, rejecter);
    }

    /** As {@link #rejectionRefusal(DomainPolicy, Submitter)}, an approver named as a person counting for all their credentials. */
    public static Optional<String> rejectionRefusal(DomainPolicy policy, Identities people, Submitter rejecter) {
        if (rejecter == null) {
            return Optional.of("a rejection must say who gives it");
        }
        if (!policy.risk().listsApprover(people, rejecter)) {
            return Optional.of(rejecter + " is not among the domain's approvers");
        }
        return Optional.empty();
    }
}
