package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.WorkOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeciderApprovalTest extends DeciderTestBase {

    private static final String APPROVALS = """
            version: "approvals-1"
            domains:
              main:
                workspace: ws/main
                risk:
                  approvers: ["http:alice", "http:bob", "http:carol"]
                  fourEyes: true
                  levels:
                    high: {approvals: 1}
                    critical: {approvals: 2}
            """;

    private static final Submitter BOB = Submitter.http("bob");
    private static final Submitter CAROL = Submitter.http("carol");

    @BeforeEach
    void approvalContract() {
        contract.set(parse(APPROVALS));
    }

    private void approve(String id, Submitter by) {
        send(new Command.Approve("main", id, by, clock.instant()));
    }

    private void reject(String id, Submitter by, String reason) {
        send(new Command.Reject("main", id, by, clock.instant(), reason));
    }

    private static String refusal(Event e) {
        return ((EventBody.CommandRefused) e.body()).reason();
    }

    @Test
    void patchWhoseRiskNeedsApprovalAwaitsItInsteadOfBeingQueued() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "AwaitingApproval");
        var waiting = (EventBody.AwaitingApproval) es.get(2).body();
        assertThat(waiting.approvalsNeeded()).isEqualTo(1);
        assertThat(waiting.reason()).contains("high-risk").contains("1 approval");
        assertThat(PatchStatus.after(waiting, PatchStatus.ACCEPTED)).isEqualTo(PatchStatus.AWAITING_APPROVAL);
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void approvalBySomeoneElseQueuesAndDispatchesThePatch() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        approve("h1", BOB);

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Approved", "Queued", "Dispatched");
        assertThat(((EventBody.Approved) es.get(0).body()).by()).isEqualTo(BOB);
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("h1");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void submitterMayNotApproveTheirOwnPatchUnderFourEyes() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        approve("h1", ALICE);

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(((EventBody.CommandRefused) es.get(0).body()).command()).isEqualTo("Approve");
        assertThat(refusal(es.get(0))).contains("four eyes").contains("http:alice");
        assertThat(work.isEmpty()).isTrue();

        approve("h1", BOB);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
    }

    @Test
    void approverNotOnTheContractsListIsRefused() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        approve("h1", Submitter.http("mallory"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("http:mallory").contains("not among the domain's approvers");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void samePersonApprovingTwiceCountsOnce() {
        submit(patch("c1", "main", "a.txt", "1", Risk.CRITICAL));
        assertThat(((EventBody.AwaitingApproval) drainEvents().get(2).body()).approvalsNeeded()).isEqualTo(2);

        approve("c1", BOB);
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Approved", "AwaitingApproval");
        var still = (EventBody.AwaitingApproval) es.get(1).body();
        assertThat(still.approvalsNeeded()).isEqualTo(1);
        assertThat(still.reason()).contains("1 of 2 given");

        approve("c1", BOB);
        es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("already approved").contains("1 of 2");
        assertThat(work.isEmpty()).isTrue();

        approve("c1", CAROL);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("c1");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void approvedPatchJoinsTheQueueBehindPatchesThatWereReadyBeforeIt() {
        submit(patch("h1", "main", "h.txt", "1", Risk.HIGH));
        submit(patch("p2", "main", "b.txt", "2"));
        submit(patch("p3", "main", "c.txt", "3"));
        drainEvents();
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");

        approve("h1", BOB);
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Approved", "Queued");
        assertThat(((EventBody.Queued) es.get(1).body()).position()).isEqualTo(2);

        result(succeeded("main", "p2", 1));
        assertThat(drainEvents()).last().satisfies(e -> assertThat(e.patchId()).isEqualTo("p3"));
        result(succeeded("main", "p3", 1));
        assertThat(drainEvents()).last().satisfies(e -> assertThat(e.patchId()).isEqualTo("h1"));
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p3", "h1");
    }

    @Test
    void approvingAPatchThatNoLongerWaitsIsRefused() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        approve("h1", BOB);
        drainEvents();

        approve("h1", CAROL);

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("does not wait for approval");
    }

    @Test
    void rejectingAPatchAwaitingApprovalEndsIt() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        reject("h1", BOB, "touches the payment path");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("RejectedByApprover");
        var rejected = (EventBody.RejectedByApprover) es.get(0).body();
        assertThat(rejected.by()).isEqualTo(BOB);
        assertThat(rejected.reason()).isEqualTo("touches the payment path");
        assertThat(rejected.terminal()).isTrue();
        assertThat(PatchStatus.after(rejected, PatchStatus.AWAITING_APPROVAL)).isEqualTo(PatchStatus.REJECTED);

        approve("h1", CAROL);
        assertThat(types(drainEvents())).containsExactly("CommandRefused");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void rejectingAQueuedPatchTakesItOutOfTheQueue() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        reject("p2", BOB, "not now");
        assertThat(types(drainEvents())).containsExactly("RejectedByApprover");

        result(succeeded("main", "p1", 1));
        assertThat(types(drainEvents())).containsExactly("Succeeded");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void rejectionBySomeoneWhoIsNoApproverIsRefused() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        reject("h1", Submitter.http("mallory"), "no");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("not among the domain's approvers");
        approve("h1", BOB);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
    }

    @Test
    void rejectingARunningPatchIsRefusedWithTheWayToStopIt() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();

        reject("p1", BOB, "no");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("has not started").contains("cancel");
    }

    @Test
    void cancellingAPatchAwaitingApprovalEndsIt() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        send(new Command.Cancel("main", "h1", ALICE, T0, "withdrawn"));

        assertThat(types(drainEvents())).containsExactly("Cancelled");
        approve("h1", BOB);
        assertThat(types(drainEvents())).containsExactly("CommandRefused");
        assertThat(work.isEmpty()).isTrue();
    }
}
