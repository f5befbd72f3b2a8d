package io.patchbay.executor.decider;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.view.PatchStatus;

/**
 * What an event does to the decider's state: the one place where {@link DomainState} and
 * {@link PatchRecord} change. Decisions only emit events ({@link Transition#event}); each is applied
 * here as it is emitted, so the stores are always the fold of the domain's chain and can be rebuilt
 * from {@code patchbay.events} alone. A patch's status moves by {@link PatchStatus#after}, the same
 * function the watchdog folds its views with, so the two never disagree. Pure.
 */
final class Evolve {

    private Evolve() {}

    /** The domain after the event: its chain head, queue, dispatch window, window hold and quarantine. */
    static DomainState domain(DomainState d, Event e) {
        DomainState next = d.chained(e.seq(), e.hash());
        String id = e.patchId();
        EventBody body = e.body();
        if (id == null) {
            return next;
        }
        if (body instanceof EventBody.Queued q) {
            // A patch joins at its position: at the tail when it is new, at the head when it goes back.
            return next.forget(id).queuedAt(id, q.position());
        }
        if (body instanceof EventBody.Dispatched dispatched) {
            return next.dispatched(id, dispatched.attempt(), dispatched.after());
        }
        if (body instanceof EventBody.RetryScheduled r) {
            return next.current() != null && next.current().holds(id)
                    ? next.withCurrent(next.current().next(r.notBefore())) : next;
        }
        if (body instanceof EventBody.CancelRequested c) {
            return next.cancelling(id, new DomainState.CancelRequest(c.by(), c.reason()));
        }
        if (body instanceof EventBody.HeldForWindow h) {
            return next.withWindowHold(new DomainState.WindowHold(id, h.until()));
        }
        if (body instanceof EventBody.Released || body instanceof EventBody.Discarded) {
            next = next.unquarantined(id);
        }
        if (body instanceof EventBody.Succeeded) {
            // The first order dispatched behind it, already at the worker, holds the domain now.
            return next.current() != null && next.current().holds(id) ? next.promoted() : next.forget(id);
        }
        if (body.terminal()) {
            next = next.forget(id);
            return body instanceof EventBody.Quarantined ? next.quarantined(id, e.at()) : next;
        }
        return next;
    }

    /**
     * The patch after the event; null when the event makes no record (a command refused for a patch
     * the domain never had).
     */
    static PatchRecord patch(PatchRecord p, Event e) {
        EventBody body = e.body();
        if (body instanceof EventBody.Submitted s) {
            return new PatchRecord(e.domain(), e.patchId(), s.patch().contentId(), s.patch(), s.submitter(),
                    PatchStatus.SUBMITTED, 0, e.at());
        }
        if (p == null) {
            return null;
        }
        if (body instanceof EventBody.Accepted a) {
            p = p.withRisk(a.risk(), a.riskRule());
        } else if (body instanceof EventBody.AwaitingApproval w) {
            // The event says how many approvals are still missing; those given so far count towards the total.
            p = p.needingApprovals(p.approvedBy().size() + w.approvalsNeeded());
        } else if (body instanceof EventBody.Approved a) {
            p = p.approvedBy(a.by());
        } else if (body instanceof EventBody.Dispatched d) {
            p = p.withAttempts(d.attempt());
        }
        PatchStatus status = PatchStatus.after(body, p.status());
        return status == p.status() && !status.terminal() ? p : p.with(status);
    }
}
