package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.accepted;
import static io.patchbay.watchdog.EventLog.dispatched;
import static io.patchbay.watchdog.EventLog.failed;
import static io.patchbay.watchdog.EventLog.gate;
import static io.patchbay.watchdog.EventLog.queued;
import static io.patchbay.watchdog.EventLog.rejected;
import static io.patchbay.watchdog.EventLog.retry;
import static io.patchbay.watchdog.EventLog.started;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.work.FailureClass;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path stateDir;

    private ViewsTestDriver t;
    private EventLog log;

    @BeforeEach
    void startDriver() {
        t = new ViewsTestDriver(WatchdogTopology.build(Clock.fixed(T0, ZoneOffset.UTC)), stateDir, false);
        log = new EventLog(T0);
    }

    @AfterEach
    void closeDriver() {
        t.close();
    }

    private PatchView patch(String id) {
        return t.views.patch(id).orElseThrow(() -> new AssertionError("no view of patch " + id));
    }

    private DomainView domain(String name) {
        return t.views.domains().stream().filter(d -> d.domain().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no view of domain " + name));
    }

    @Test
    void happyPathEndsSucceededWithEveryEventOnTheTimelineInOrder() {
        Event submittedEvent = log.next("main", "p1", submitted("p1", "main", "Fix typo in README"));
        t.pipe(submittedEvent,
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)),
                log.next("main", "p1", started(1)),
                log.next("main", "p1", gate(1, "unit", true)));
        Event last = log.next("main", "p1", succeeded(1, "abcdef0123456789"));
        t.pipe(last);

        PatchView p = patch("p1");
        assertThat(p.status()).isEqualTo(PatchStatus.SUCCEEDED);
        assertThat(p.title()).isEqualTo("Fix typo in README");
        assertThat(p.submitter()).isEqualTo("http:alice");
        assertThat(p.submittedAt()).isEqualTo(submittedEvent.at());
        assertThat(p.updatedAt()).isEqualTo(last.at());
        assertThat(p.commitId()).isEqualTo("abcdef0123456789");
        assertThat(p.summaryPath()).isEqualTo("var/summaries/abcdef0123456789.md");
        assertThat(p.reason()).isNull();
        assertThat(p.timeline()).extracting(PatchView.TimelineEntry::type).containsExactly(
                "Submitted", "Accepted", "Queued", "Dispatched", "Started", "GateFinished", "Succeeded");
        assertThat(p.timeline()).extracting(PatchView.TimelineEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(p.timeline().get(0).detail()).contains("Fix typo in README").contains("http:alice");
        assertThat(p.timeline().get(5).detail()).isEqualTo("gate unit passed in 120 ms");
        assertThat(p.timeline().get(6).detail()).startsWith("committed abcdef012345");

        DomainView d = domain("main");
        assertThat(d.succeeded()).isEqualTo(1);
        assertThat(d.queueDepth()).isZero();
        assertThat(d.inFlight()).isZero();
        assertThat(d.oldestPendingSince()).isNull();
        assertThat(d.lastSeq()).isEqualTo(7);
        assertThat(d.lastEventAt()).isEqualTo(last.at());
        assertThat(d.headHash()).isEqualTo(last.hash());
    }

    @Test
    void queueDepthRisesWhilePatchesWaitAndFallsOnDispatchWhileInFlightTakesOver() {
        Event firstSubmitted = log.next("main", "p1", submitted("p1", "main", "one"));
        t.pipe(firstSubmitted, log.next("main", "p1", accepted()), log.next("main", "p1", queued(1)));
        assertThat(domain("main").queueDepth()).isEqualTo(1);

        Event secondSubmitted = log.next("main", "p2", submitted("p2", "main", "two"));
        t.pipe(secondSubmitted, log.next("main", "p2", accepted()), log.next("main", "p2", queued(2)));
        DomainView waiting = domain("main");
        assertThat(waiting.queueDepth()).isEqualTo(2);
        assertThat(waiting.inFlight()).isZero();
        assertThat(waiting.oldestPendingSince()).isEqualTo(firstSubmitted.at());

        t.pipe(log.next("main", "p1", dispatched(1)));
        DomainView dispatchedOne = domain("main");
        assertThat(dispatchedOne.queueDepth()).isEqualTo(1);
        assertThat(dispatchedOne.inFlight()).isEqualTo(1);
        assertThat(dispatchedOne.oldestPendingSince()).isEqualTo(secondSubmitted.at());

        t.pipe(log.next("main", "p1", started(1)));
        assertThat(domain("main").inFlight()).isEqualTo(1);

        t.pipe(log.next("main", "p1", succeeded(1, "c1")), log.next("main", "p2", dispatched(1)));
        DomainView after = domain("main");
        assertThat(after.queueDepth()).isZero();
        assertThat(after.inFlight()).isEqualTo(1);
        assertThat(after.succeeded()).isEqualTo(1);
        assertThat(after.oldestPendingSince()).isNull();
    }

    @Test
    void aPatchDispatchedBehindAnotherStillCountsAsQueuedUntilItStarts() {
        Event firstSubmitted = log.next("main", "p1", submitted("p1", "main", "one"));
        t.pipe(firstSubmitted, log.next("main", "p1", accepted()), log.next("main", "p1", queued(1)));
        Event secondSubmitted = log.next("main", "p2", submitted("p2", "main", "two"));
        t.pipe(secondSubmitted, log.next("main", "p2", accepted()), log.next("main", "p2", queued(2)));

        t.pipe(log.next("main", "p1", dispatched(1)), log.next("main", "p2", new EventBody.Dispatched(1, "p1")));

        DomainView d = domain("main");
        assertThat(d.queueDepth()).as("p2 waits behind p1 at the worker").isEqualTo(1);
        assertThat(d.inFlight()).isEqualTo(1);
        assertThat(d.oldestPendingSince()).isEqualTo(secondSubmitted.at());
        assertThat(patch("p2").status()).isEqualTo(PatchStatus.DISPATCHED);
        assertThat(patch("p2").waitingBehind()).isEqualTo("p1");
        assertThat(patch("p2").timeline().get(patch("p2").timeline().size() - 1).detail()).contains("after p1");

        t.pipe(log.next("main", "p1", succeeded(1, "c1")), log.next("main", "p2", started(1)));

        DomainView after = domain("main");
        assertThat(after.queueDepth()).isZero();
        assertThat(after.inFlight()).isEqualTo(1);
        assertThat(after.oldestPendingSince()).isNull();
        assertThat(patch("p2").waitingBehind()).isNull();
    }

    @Test
    void rejectionEndsRejectedWithTheViolationsAsReason() {
        t.pipe(log.next("main", "bad", submitted("bad", "main", "Add key")),
                log.next("main", "bad", rejected("secrets/key.pem is denied by the contract")));

        PatchView p = patch("bad");
        assertThat(p.status()).isEqualTo(PatchStatus.REJECTED);
        assertThat(p.reason()).isEqualTo("secrets/key.pem is denied by the contract");
        assertThat(p.violations()).containsExactly(
                new Violation("path-denied", "secrets/key.pem", "secrets/key.pem is denied by the contract"));
        assertThat(p.timeline().get(1).detail()).contains("2026.11.1").contains("secrets/key.pem is denied");
        DomainView d = domain("main");
        assertThat(d.rejected()).isEqualTo(1);
        assertThat(d.queueDepth()).isZero();
        assertThat(d.oldestPendingSince()).isNull();
    }

    @Test
    void failureEndsFailedWithItsClassAndSummaryAndLeavesNothingInFlight() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "Break the build")),
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)),
                log.next("main", "p1", started(1)),
                log.next("main", "p1", gate(1, "unit", false)),
                log.next("main", "p1", failed(1, FailureClass.GATE_FAILED, "gate unit failed")));

        PatchView p = patch("p1");
        assertThat(p.status()).isEqualTo(PatchStatus.FAILED);
        assertThat(p.reason()).isEqualTo("GATE_FAILED: gate unit failed");
        assertThat(p.summaryPath()).isEqualTo("var/summaries/failed.md");
        assertThat(p.commitId()).isNull();
        assertThat(p.timeline().get(5).detail()).isEqualTo("gate unit failed (exit 1) in 120 ms");
        DomainView d = domain("main");
        assertThat(d.failed()).isEqualTo(1);
        assertThat(d.inFlight()).isZero();
        assertThat(d.queueDepth()).isZero();
        assertThat(d.succeeded()).isZero();
    }

    @Test
    void retriedPatchWaitsAgainThenQuarantineCountsUntilReleasedAndDiscarded() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "Flaky")),
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)),
                log.next("main", "p1", started(1)));
        Event retryEvent = log.next("main", "p1", retry(2, T0.plusSeconds(60)));
        t.pipe(retryEvent);

        assertThat(patch("p1").status()).isEqualTo(PatchStatus.RETRY_WAIT);
        DomainView waiting = domain("main");
        assertThat(waiting.queueDepth()).isEqualTo(1);
        assertThat(waiting.inFlight()).isZero();
        assertThat(waiting.oldestPendingSince()).isEqualTo(retryEvent.at());

        t.pipe(log.next("main", "p1", dispatched(2)),
                log.next("main", "p1", started(2)),
                log.next("main", "p1", new EventBody.Quarantined("worker lost its workspace", 2)));
        PatchView quarantined = patch("p1");
        assertThat(quarantined.status()).isEqualTo(PatchStatus.QUARANTINED);
        assertThat(quarantined.reason()).isEqualTo("worker lost its workspace");
        DomainView held = domain("main");
        assertThat(held.quarantined()).isEqualTo(1);
        assertThat(held.queueDepth()).isZero();
        assertThat(held.inFlight()).isZero();

        t.pipe(log.next("main", "p1", new EventBody.Released(EventLog.OPS)));
        assertThat(patch("p1").status()).isEqualTo(PatchStatus.QUEUED);
        DomainView released = domain("main");
        assertThat(released.quarantined()).isZero();
        assertThat(released.queueDepth()).isEqualTo(1);

        t.pipe(log.next("main", "p1", dispatched(3)),
                log.next("main", "p1", new EventBody.Quarantined("still failing", 3)),
                log.next("main", "p1", new EventBody.Discarded(EventLog.OPS)));
        PatchView discarded = patch("p1");
        assertThat(discarded.status()).isEqualTo(PatchStatus.DISCARDED);
        assertThat(discarded.timeline()).extracting(PatchView.TimelineEntry::type).containsExactly(
                "Submitted", "Accepted", "Queued", "Dispatched", "Started", "RetryScheduled", "Dispatched", "Started",
                "Quarantined", "Released", "Dispatched", "Quarantined", "Discarded");
        DomainView end = domain("main");
        assertThat(end.quarantined()).isZero();
        assertThat(end.queueDepth()).isZero();
        assertThat(end.inFlight()).isZero();
    }

    @Test
    void approvalHoldCountsAsAwaitingApprovalUntilApproved() {
        t.pipe(log.next("main", "risky", submitted("risky", "main", "Rotate keys")),
                log.next("main", "risky", accepted()),
                log.next("main", "risky", new EventBody.AwaitingApproval("risk high needs approval", 2)));
        assertThat(patch("risky").status()).isEqualTo(PatchStatus.AWAITING_APPROVAL);
        assertThat(domain("main").awaitingApproval()).isEqualTo(1);
        assertThat(domain("main").queueDepth()).isEqualTo(1);

        t.pipe(log.next("main", "risky", new EventBody.Approved(EventLog.OPS)));
        assertThat(patch("risky").status()).isEqualTo(PatchStatus.ACCEPTED);
        assertThat(domain("main").awaitingApproval()).isZero();
        assertThat(domain("main").queueDepth()).isEqualTo(1);
    }

    @Test
    void patchHeldForItsWindowStaysPendingWithTheReasonUntilDispatched() {
        Instant noon = Instant.parse("2026-11-23T12:00:00Z");
        t.pipe(log.next("main", "m1", submitted("m1", "main", "Medium change")),
                log.next("main", "m1", accepted()),
                log.next("main", "m1", queued(1)),
                log.next("main", "m1", new EventBody.HeldForWindow(noon, "medium-risk patches may run only at noon")));
        assertThat(patch("m1").status()).isEqualTo(PatchStatus.HELD_FOR_WINDOW);
        assertThat(patch("m1").reason()).contains("only at noon");
        assertThat(patch("m1").timeline()).last().satisfies(e -> assertThat(e.detail()).contains(noon.toString()));
        assertThat(domain("main").queueDepth()).isEqualTo(1);

        t.pipe(log.next("main", "m1", dispatched(1)));
        assertThat(patch("m1").reason()).isNull();
        assertThat(domain("main").queueDepth()).isZero();
        assertThat(domain("main").inFlight()).isEqualTo(1);
    }

    @Test
    void patchRejectedByAnApproverCountsAsRejectedWithTheApproversReason() {
        t.pipe(log.next("main", "risky", submitted("risky", "main", "Rotate keys")),
                log.next("main", "risky", accepted()),
                log.next("main", "risky", new EventBody.AwaitingApproval("high-risk patches need 1 approval", 1)),
                log.next("main", "risky", new EventBody.RejectedByApprover(EventLog.OPS, "not before the audit")));
        assertThat(patch("risky").status()).isEqualTo(PatchStatus.REJECTED);
        assertThat(patch("risky").reason()).isEqualTo("not before the audit");
        DomainView d = domain("main");
        assertThat(d.rejected()).isEqualTo(1);
        assertThat(d.awaitingApproval()).isZero();
        assertThat(d.queueDepth()).isZero();
    }

    @Test
    void cancelRequestLeavesTheRunningPatchInFlightUntilTheWorkerStopsIt() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "Slow")),
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)),
                log.next("main", "p1", started(1)),
                log.next("main", "p1", new EventBody.CancelRequested(1, EventLog.OPS, "wrong target")));
        assertThat(patch("p1").status()).isEqualTo(PatchStatus.RUNNING);
        assertThat(patch("p1").timeline()).last().satisfies(e -> assertThat(e.detail()).contains("wrong target"));
        assertThat(domain("main").inFlight()).isEqualTo(1);

        t.pipe(log.next("main", "p1", new EventBody.Cancelled(EventLog.OPS, "wrong target", "var/summaries/main/p1.md",
                "# cancelled")));
        assertThat(patch("p1").status()).isEqualTo(PatchStatus.CANCELLED);
        assertThat(patch("p1").summaryPath()).isEqualTo("var/summaries/main/p1.md");
        assertThat(domain("main").inFlight()).isZero();
        assertThat(domain("main").cancelled()).isEqualTo(1);
    }

    @Test
    void cancelDuringARetryWaitLeavesTheViewWithoutASummaryOfItsOwn() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "Flaky")),
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)),
                log.next("main", "p1", failed(1, FailureClass.INFRASTRUCTURE, "disk gone")),
                log.next("main", "p1", retry(2, T0.plusSeconds(60))));
        assertThat(patch("p1").summaryPath()).isEqualTo("var/summaries/failed.md");
        assertThat(patch("p1").violations()).isNull();

        t.pipe(log.next("main", "p1", new EventBody.Cancelled(EventLog.OPS, "not needed")));

        assertThat(patch("p1").status()).isEqualTo(PatchStatus.CANCELLED);
        assertThat(patch("p1").summaryPath()).as("the failed attempt's summary is not the cancel's").isNull();
    }

    @Test
    void cancelledPatchIsCountedWithItsReasonAndLeavesTheQueue() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "Not needed")),
                log.next("main", "p1", accepted()),
                log.next("main", "p1", queued(1)),
                log.next("main", "p1", new EventBody.Cancelled(EventLog.OPS, "superseded by p2")));
        assertThat(patch("p1").status()).isEqualTo(PatchStatus.CANCELLED);
        assertThat(patch("p1").reason()).isEqualTo("superseded by p2");
        DomainView d = domain("main");
        assertThat(d.cancelled()).isEqualTo(1);
        assertThat(d.queueDepth()).isZero();
    }

    @Test
    void redeliveredAndReplayedEventsChangeNothing() {
        Event e1 = log.next("main", "p1", submitted("p1", "main", "one"));
        Event e2 = log.next("main", "p1", accepted());
        Event e3 = log.next("main", "p1", queued(1));
        Event e4 = log.next("main", "p1", dispatched(1));
        t.pipe(e1, e2, e3, e4);
        PatchView before = patch("p1");
        DomainView domainBefore = domain("main");

        t.pipe(e4, e3);
        t.pipe(e1, e2, e3, e4);

        assertThat(patch("p1")).isEqualTo(before);
        assertThat(patch("p1").timeline()).hasSize(4);
        assertThat(domain("main")).isEqualTo(domainBefore);
        assertThat(domain("main").queueDepth()).isZero();
        assertThat(domain("main").inFlight()).isEqualTo(1);
        assertThat(t.views.patches("main", null, 10)).hasSize(1);
    }

    @Test
    void interleavedDomainsKeepTheirOwnFiguresAndChainHeads() {
        t.pipe(log.next("main", "m1", submitted("m1", "main", "main one")),
                log.next("ops", "o1", submitted("o1", "ops", "ops one")),
                log.next("main", "m1", accepted()),
                log.next("ops", "o1", rejected("denied")),
                log.next("main", "m2", submitted("m2", "main", "main two")),
                log.next("main", "m1", queued(1)));
        Event opsLast = log.next("ops", "o2", submitted("o2", "ops", "ops two"));
        Event mainLast = log.next("main", "m1", dispatched(1));
        t.pipe(opsLast, mainLast);

        DomainView main = domain("main");
        DomainView ops = domain("ops");
        assertThat(main.lastSeq()).isEqualTo(5);
        assertThat(main.headHash()).isEqualTo(mainLast.hash());
        assertThat(main.queueDepth()).isEqualTo(1);
        assertThat(main.inFlight()).isEqualTo(1);
        assertThat(main.rejected()).isZero();
        assertThat(ops.lastSeq()).isEqualTo(3);
        assertThat(ops.headHash()).isEqualTo(opsLast.hash());
        assertThat(ops.rejected()).isEqualTo(1);
        assertThat(ops.queueDepth()).isEqualTo(1);
        assertThat(ops.inFlight()).isZero();
        assertThat(t.views.domains()).extracting(DomainView::domain).containsExactly("main", "ops");
    }

    @Test
    void listsADomainsPatchesNewestFirstAndFiltersByStatus() {
        t.pipe(log.next("main", "a", submitted("a", "main", "a")),
                log.next("main-eu", "x", submitted("x", "main-eu", "other domain, same prefix")),
                log.next("main", "b", submitted("b", "main", "b")),
                log.next("main", "c", submitted("c", "main", "c")),
                log.next("main", "b", rejected("no")),
                log.next("main", "a", rejected("no")));

        assertThat(t.views.patches("main", null, 10)).extracting(PatchView::id).containsExactly("c", "b", "a");
        assertThat(t.views.patches("main", null, 2)).extracting(PatchView::id).containsExactly("c", "b");
        assertThat(t.views.patches("main", PatchStatus.REJECTED, 10)).extracting(PatchView::id).containsExactly("b", "a");
        assertThat(t.views.patches("main", PatchStatus.SUCCEEDED, 10)).isEmpty();
        assertThat(t.views.patches("main-eu", null, 10)).extracting(PatchView::id).containsExactly("x");
        assertThat(t.views.patches("nowhere", null, 10)).isEmpty();
        assertThat(t.views.patches("main", null, 0)).isEmpty();
    }

    @Test
    void listsEveryDomainNewestFirstWithinTheLimit() {
        t.pipe(log.next("main", "m1", submitted("m1", "main", "1")),
                log.next("ops", "o1", submitted("o1", "ops", "2")),
                log.next("main", "m2", submitted("m2", "main", "3")),
                log.next("ops", "o2", submitted("o2", "ops", "4")),
                log.next("ops", "o2", rejected("no")));

        assertThat(t.views.patches(null, null, 10)).extracting(PatchView::id).containsExactly("o2", "m2", "o1", "m1");
        assertThat(t.views.patches(null, null, 3)).extracting(PatchView::id).containsExactly("o2", "m2", "o1");
        assertThat(t.views.patches(null, PatchStatus.SUBMITTED, 10)).extracting(PatchView::id)
                .containsExactly("m2", "o1", "m1");
    }

    @Test
    void refusedCommandForAnUnknownPatchMovesOnlyTheChainHead() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")));
        Event refused = log.next("main", "ghost",
                new EventBody.CommandRefused("approve", EventLog.OPS, "no patch ghost in main"));
        t.pipe(refused);

        assertThat(t.views.patch("ghost")).isEmpty();
        DomainView d = domain("main");
        assertThat(d.lastSeq()).isEqualTo(2);
        assertThat(d.headHash()).isEqualTo(refused.hash());
        assertThat(d.queueDepth()).isEqualTo(1);
    }

    @Test
    void refusedCommandForAKnownPatchJoinsItsTimelineWithoutChangingItsStatus() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")),
                log.next("main", "p1", rejected("no")),
                log.next("main", "p1", new EventBody.CommandRefused("approve", EventLog.OPS, "p1 already ended")));

        PatchView p = patch("p1");
        assertThat(p.status()).isEqualTo(PatchStatus.REJECTED);
        assertThat(p.timeline()).extracting(PatchView.TimelineEntry::type)
                .containsExactly("Submitted", "Rejected", "CommandRefused");
        assertThat(p.timeline().get(2).detail()).isEqualTo("approve by slack:U0OPS refused: p1 already ended");
        assertThat(domain("main").rejected()).isEqualTo(1);
    }

    @Test
    void patchFirstSeenAfterItsSubmissionStillGetsAViewAndIsListed() {
        // A log whose start was deleted by retention begins in the middle of a patch's life.
        Event first = HashChainStart.at("main", 41, "late", T0, new EventBody.Dispatched(1));
        t.pipe(first);

        PatchView p = patch("late");
        assertThat(p.status()).isEqualTo(PatchStatus.DISPATCHED);
        assertThat(p.title()).isNull();
        assertThat(domain("main").inFlight()).isEqualTo(1);
        assertThat(domain("main").lastSeq()).isEqualTo(41);
        assertThat(t.views.patches("main", null, 5)).extracting(PatchView::id).containsExactly("late");
    }
}
