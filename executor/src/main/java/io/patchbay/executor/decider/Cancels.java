package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels. A patch that has not started ends at once; a running attempt gets a cancel order, and
 * the worker's answer decides: stopped and rolled back (Cancelled), or already landed (Succeeded,
 * and the cancel is refused with the reason).
 */
final class Cancels {

    private static final Logger log = LoggerFactory.getLogger(Cancels.class);

    /** Who ended a patch the worker stopped on its own, without a cancel request on record. */
    static final Submitter WORKER = new Submitter("patchbay", "worker");

    private final Decisions decisions;

    Cancels(Decisions decisions) {
        this.decisions = decisions;
    }

    void cancel(Transition tx, PatchRecord p, Command.Cancel c) {
        String domain = p.domain();
        DomainState d = tx.domain(domain);
        DomainState.Slot slot = d.current() != null && d.current().holds(p.patchId()) ? d.current() : null;
        DomainState.Slot behind = d.pipelinedSlot(p.patchId());
        if (p.status() == PatchStatus.AWAITING_APPROVAL) {
            end(tx, p, c);
        } else if (d.queue().contains(p.patchId())) {
            end(tx, p, c);
            // It may have been the head, held for its change window.
            decisions.dispatchNext(tx, domain);
        } else if (slot != null && slot.waitingForRetry()) {
            // Nothing is in flight: the last attempt failed and was rolled back.
            end(tx, p, c);
            decisions.dispatchNext(tx, domain);
        } else if (slot != null) {
            request(tx, p, slot, c);
        } else if (behind != null) {
            requestBehind(tx, p, behind, c);
        } else {
            decisions.refuse(tx, domain, p.patchId(), c, "patch '" + p.patchId() + "' cannot be cancelled: it is already "
                    + p.status().label());
        }
    }

    private void end(Transition tx, PatchRecord p, Command.Cancel c) {
        tx.event(p.domain(), p.patchId(), new EventBody.Cancelled(c.by(), c.reason()));
        log.info("patch {} cancelled by {} before it ran", p.patchId(), c.by());
    }

    /** Asks the worker to stop the dispatched attempt; the domain stays held until it answers. */
    private void request(Transition tx, PatchRecord p, DomainState.Slot slot, Command.Cancel c) {
        if (slot.cancel() != null) {
            decisions.refuse(tx, p.domain(), p.patchId(), c, "a cancel of attempt " + slot.attempt()
                    + " was already requested by " + slot.cancel().by() + "; the worker is stopping it");
            return;
        }
        tx.event(p.domain(), p.patchId(), new EventBody.CancelRequested(slot.attempt(), c.by(), c.reason()));
        tx.order(WorkOrder.cancel(p.domain(), p.patchId(), slot.attempt(), tx.now()));
        log.info("asked the worker to stop patch {} attempt {} for {}", p.patchId(), slot.attempt(), c.by());
    }

    /**
     * Asks the worker to stop an attempt dispatched behind the running one. The worker stops it as
     * soon as it starts; if the one before it does not land, it never starts and ends cancelled
     * when the window is recalled.
     */
    private void requestBehind(Transition tx, PatchRecord p, DomainState.Slot slot, Command.Cancel c) {
        if (slot.cancel() != null) {
            decisions.refuse(tx, p.domain(), p.patchId(), c, "a cancel of attempt " + slot.attempt()
                    + " was already requested by " + slot.cancel().by() + "; it stops as soon as it starts");
            return;
        }
        tx.event(p.domain(), p.patchId(), new EventBody.CancelRequested(slot.attempt(), c.by(), c.reason()));
        tx.order(WorkOrder.cancel(p.domain(), p.patchId(), slot.attempt(), tx.now()));
        log.info("asked the worker to stop patch {} attempt {} for {} before it starts", p.patchId(), slot.attempt(),
                c.by());
    }

    /** The worker stopped the attempt and rolled its tree back. */
    void stopped(Transition tx, PatchRecord p, DomainState.Slot slot, WorkResult.Cancelled r) {
        DomainState.CancelRequest req = slot.cancel();
        Submitter by = req == null ? WORKER : req.by();
        tx.event(p.domain(), p.patchId(), new EventBody.Cancelled(by, join(req, r.reason()), r.summaryPath(),
                r.summary()));
        decisions.finish(tx, p, PatchStatus.CANCELLED);
    }

    /** The attempt failed while a cancel was on its way: nothing landed, and nobody wants another try. */
    void cancelInsteadOfRetry(Transition tx, PatchRecord p, DomainState.Slot slot, WorkResult.Failed f) {
        String failure = f.failureClass() + ": " + f.reason();
        tx.event(p.domain(), p.patchId(), new EventBody.Cancelled(slot.cancel().by(),
                join(slot.cancel(), "attempt " + f.attempt() + " failed (" + failure + ") and is not tried again"),
                f.summaryPath(), f.summary()));
        decisions.finish(tx, p, PatchStatus.CANCELLED);
    }

    /** The attempt ended on its own before the cancel took effect: the cancel is refused, with why. */
    void tooLate(Transition tx, PatchRecord p, DomainState.Slot slot, String why) {
        if (slot.cancel() == null) {
            return;
        }
        log.info("the cancel of patch {} came too late: {}", p.patchId(), why);
        tx.event(p.domain(), p.patchId(), new EventBody.CommandRefused("Cancel", slot.cancel().by(),
                "patch '" + p.patchId() + "' cannot be cancelled: " + why));
    }

    private static String join(DomainState.CancelRequest req, String detail) {
        String asked = req == null ? null : req.reason();
        if (asked == null || asked.isBlank()) {
            return detail;
        }
        return detail == null || detail.isBlank() ? asked : asked + " (" + detail + ")";
    }
}
