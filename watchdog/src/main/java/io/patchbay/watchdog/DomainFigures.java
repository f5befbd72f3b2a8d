package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;

/**
 * A domain's figures moved by one patch's status change. Each figure counts the patches that are in
 * a status now, so a change old→new takes one from old's figures and adds one to new's: replaying
 * a patch's whole life always nets out to where it ended. Pure.
 */
final class DomainFigures {

    private DomainFigures() {}

    static boolean inFlight(PatchStatus s) {
        return s == PatchStatus.DISPATCHED || s == PatchStatus.RUNNING;
    }

    static boolean pending(PatchStatus s) {
        return s != null && s.pending();
    }

    static DomainView transition(DomainView d, PatchStatus from, PatchStatus to) {
        if (from == to) {
            return d;
        }
        var f = new Mutable(d);
        f.move(from, -1);
        f.move(to, +1);
        return f.view();
    }

    /** The chain position and time of the latest event, whether or not it moved a patch. */
    static DomainView stamp(DomainView d, Event e) {
        return new DomainView(d.domain(), d.queueDepth(), d.inFlight(), d.awaitingApproval(), d.quarantined(),
                d.succeeded(), d.failed(), d.rejected(), d.cancelled(), d.oldestPendingSince(), e.at(), e.seq(), e.hash());
    }

    static DomainView withOldestPendingSince(DomainView d, Instant since) {
        return new DomainView(d.domain(), d.queueDepth(), d.inFlight(), d.awaitingApproval(), d.quarantined(),
                d.succeeded(), d.failed(), d.rejected(), d.cancelled(), since, d.lastEventAt(), d.lastSeq(), d.headHash());
    }

    private static final class Mutable {
        private final DomainView base;
        private long queueDepth;
        private long inFlight;
        private long awaitingApproval;
        private long quarantined;
        private long succeeded;
        private long failed;
        private long rejected;
        private long cancelled;

        Mutable(DomainView d) {
            base = d;
            queueDepth = d.queueDepth();
            inFlight = d.inFlight();
            awaitingApproval = d.awaitingApproval();
            quarantined = d.quarantined();
            succeeded = d.succeeded();
            failed = d.failed();
            rejected = d.rejected();
            cancelled = d.cancelled();
        }

        void move(PatchStatus s, int by) {
            if (s == null) {
                return;
            }
            if (s.pending()) {
                queueDepth = floor(queueDepth + by);
            }
            if (inFlight(s)) {
                inFlight = floor(inFlight + by);
            }
            switch (s) {
                case AWAITING_APPROVAL -> awaitingApproval = floor(awaitingApproval + by);
                case QUARANTINED -> quarantined = floor(quarantined + by);
                case SUCCEEDED -> succeeded = floor(succeeded + by);
                case FAILED -> failed = floor(failed + by);
                case REJECTED -> rejected = floor(rejected + by);
                case CANCELLED -> cancelled = floor(cancelled + by);
                default -> {
                    // the other statuses only count towards queue depth or in-flight, above
                }
            }
        }

        // A log whose start was deleted can end patches whose start it no longer holds; never show a negative count.
        private static long floor(long n) {
            return Math.max(0, n);
        }

        DomainView view() {
            return new DomainView(base.domain(), queueDepth, inFlight, awaitingApproval, quarantined, succeeded, failed,
                    rejected, cancelled, base.oldestPendingSince(), base.lastEventAt(), base.lastSeq(), base.headHash());
        }
    }
}
