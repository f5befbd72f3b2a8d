package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cancelling a running patch: p1 runs in main (attempt 1, started), p2 waits behind it. */
class DeciderCancelTest extends DeciderTestBase {

    @BeforeEach
    void p1RunsAndP2Waits() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        result(new WorkResult.Started("main", "p1", 1, T0, "w1", "base"));
        drainEvents();
        work.readValuesToList();
    }

    private void cancel(String id, String reason) {
        send(new Command.Cancel("main", id, ALICE, clock.instant(), reason));
    }

    private static WorkResult.Cancelled stopped(String id, int attempt) {
        return new WorkResult.Cancelled("main", id, attempt, T0, "stopped during gate 'slow'; the tree is back at base",
                List.of(new GateResult("slow", false, -1, 40, "killed")), "var/summaries/main/" + id + ".md",
                "# cancelled", 40);
    }

    @Test
    void cancellingARunningPatchOrdersTheWorkerToStopIt() {
        cancel("p1", "wrong branch");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CancelRequested");
        var requested = (EventBody.CancelRequested) es.get(0).body();
        assertThat(requested.attempt()).isEqualTo(1);
        assertThat(requested.by()).isEqualTo(ALICE);
        assertThat(requested.reason()).isEqualTo("wrong branch");
        assertThat(PatchStatus.after(requested, PatchStatus.RUNNING)).isEqualTo(PatchStatus.RUNNING);

        var orders = work.readKeyValuesToList();
        assertThat(orders).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("main");
            assertThat(kv.value.isCancel()).isTrue();
            assertThat(kv.value.patchId()).isEqualTo("p1");
            assertThat(kv.value.attempt()).isEqualTo(1);
            assertThat(kv.value.patch()).isNull();
        });
    }

    @Test
    void workerThatStoppedThePatchEndsItCancelledAndTheNextOneRuns() {
        cancel("p1", "wrong branch");
        drainEvents();
        work.readValuesToList();

        result(stopped("p1", 1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Cancelled", "Dispatched");
        var cancelled = (EventBody.Cancelled) es.get(0).body();
        assertThat(cancelled.by()).isEqualTo(ALICE);
        assertThat(cancelled.reason()).contains("wrong branch").contains("stopped during gate 'slow'");
        assertThat(cancelled.summaryPath()).isEqualTo("var/summaries/main/p1.md");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void secondCancelWhileTheWorkerStopsThePatchIsRefused() {
        cancel("p1", "first");
        drainEvents();
        work.readValuesToList();

        cancel("p1", "second");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(((EventBody.CommandRefused) es.get(0).body()).reason()).contains("already requested");
        assertThat(work.isEmpty()).as("one cancel order is enough").isTrue();
    }

    @Test
    void cancelThatCameAfterTheCommitIsRefusedAndThePatchSucceeds() {
        cancel("p1", "too late");
        drainEvents();
        work.readValuesToList();

        result(succeeded("main", "p1", 1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Succeeded", "CommandRefused", "Dispatched");
        var refused = (EventBody.CommandRefused) es.get(1).body();
        assertThat(refused.command()).isEqualTo("Cancel");
        assertThat(refused.by()).isEqualTo(ALICE);
        assertThat(refused.reason()).contains("already committed as c0ffee");
        assertThat(es.get(2).patchId()).isEqualTo("p2");
    }

    @Test
    void retriableFailureWhileCancellingEndsCancelledInsteadOfRetrying() {
        cancel("p1", "stop it");
        drainEvents();
        work.readValuesToList();

        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Cancelled", "Dispatched");
        assertThat(((EventBody.Cancelled) es.get(0).body()).reason()).contains("stop it").contains("not tried again");
    }

    @Test
    void finalFailureWhileCancellingStaysAFailureAndTheCancelIsRefused() {
        cancel("p1", "stop it");
        drainEvents();
        work.readValuesToList();

        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Failed", "CommandRefused", "Dispatched");
        assertThat(((EventBody.CommandRefused) es.get(1).body()).reason()).contains("already failed");
    }

    @Test
    void duplicateAndLateResultsAfterTheCancelAreIgnored() {
        cancel("p1", "stop");
        result(stopped("p1", 1));
        drainEvents();
        work.readValuesToList();

        result(stopped("p1", 1));
        result(new WorkResult.GateFinished("main", "p1", 1, T0, new GateResult("slow", false, -1, 1, "")));
        result(succeeded("main", "p1", 1));
        result(new WorkResult.Started("main", "p1", 1, T0, "w1", "base"));

        assertThat(events.isEmpty()).isTrue();
        assertThat(work.isEmpty()).isTrue();
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void stopResultOfAnAttemptThatIsNotRunningIsIgnored() {
        result(stopped("p1", 2));
        result(stopped("p2", 1));

        assertThat(events.isEmpty()).isTrue();
        result(succeeded("main", "p1", 1));
        assertThat(types(drainEvents())).containsExactly("Succeeded", "Dispatched");
    }

    @Test
    void repeatedStartedOfTheRunningAttemptIsRecordedOnce() {
        result(new WorkResult.Started("main", "p1", 1, T0, "w1", "base"));

        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void patchDispatchedButNotYetStartedIsStoppedTheSameWay() {
        result(succeeded("main", "p1", 1));
        drainEvents();
        work.readValuesToList();

        cancel("p2", "changed my mind");

        assertThat(types(drainEvents())).containsExactly("CancelRequested");
        assertThat(work.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.isCancel()).isTrue();
            assertThat(o.patchId()).isEqualTo("p2");
        });
    }

    @Test
    void cancellingAFinishedPatchIsRefused() {
        result(succeeded("main", "p1", 1));
        drainEvents();

        cancel("p1", "too late");

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(((EventBody.CommandRefused) es.get(0).body()).reason()).contains("already Succeeded");
    }
}
