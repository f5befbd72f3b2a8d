package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dispatch window: a domain's next patches go to the worker while the one before them runs,
 * each to start only after its predecessor landed, and go back to the queue when it did not.
 */
class DeciderPipelineTest extends DeciderTestBase {

    @Override
    int window() {
        return 3;
    }

    private void submitAll(int n) {
        for (int i = 1; i <= n; i++) {
            submit(patch("p" + i, "main", "f" + i + ".txt", "v" + i));
        }
    }

    private static List<String> ids(List<WorkOrder> orders) {
        return orders.stream().map(o -> o.patchId() + "#" + o.attempt() + (o.after() == null ? "" : "<" + o.after()))
                .toList();
    }

    @Test
    void upToTheWindowIsDispatchedEachBehindTheOneBeforeIt() {
        submitAll(5);

        List<WorkOrder> orders = work.readValuesToList();
        assertThat(ids(orders)).containsExactly("p1#1", "p2#1<p1", "p3#1<p2");
        assertThat(orders.get(0).expectedHead()).isNull();
        List<Event> es = drainEvents();
        assertThat(es.stream().filter(e -> e.body() instanceof EventBody.Dispatched).map(e -> e.patchId() + "<"
                + ((EventBody.Dispatched) e.body()).after())).containsExactly("p1<null", "p2<p1", "p3<p2");
        // p4 and p5 wait in the queue, numbered from the head.
        assertThat(es.stream().filter(e -> e.patchId().equals("p4") && e.body() instanceof EventBody.Queued)
                .map(e -> ((EventBody.Queued) e.body()).position())).containsExactly(1);
    }

    @Test
    void aSuccessHandsTheDomainToTheNextAlreadyDispatchedAndFillsTheWindow() {
        submitAll(5);
        work.readValuesToList();
        drainEvents();

        result(new WorkResult.Started("main", "p1", 1, T0, "w1", "base"));
        result(succeeded("main", "p1", 1));
        // p2 is not dispatched again; p4 joins the window behind p3, and carries no expected head.
        List<WorkOrder> orders = work.readValuesToList();
        assertThat(ids(orders)).containsExactly("p4#1<p3");
        assertThat(orders.get(0).expectedHead()).isNull();

        // p2's results count now that it holds the domain.
        result(new WorkResult.Started("main", "p2", 1, T0, "w1", "c0ffee"));
        result(succeeded("main", "p2", 1));
        assertThat(types(drainEvents())).containsExactly("Started", "Succeeded", "Dispatched", "Started", "Succeeded",
                "Dispatched");
        assertThat(ids(work.readValuesToList())).containsExactly("p5#1<p4");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void aResultOfAPatchBehindTheRunningOneIsNotTakenBeforeItsTurn() {
        submitAll(3);
        drainEvents();

        result(succeeded("main", "p2", 1));

        assertThat(drainEvents()).isEmpty();
        result(succeeded("main", "p1", 1));
        assertThat(drainEvents()).extracting(Event::type).containsExactly("Succeeded");
    }

    @Test
    void aFinalFailureRecallsTheOrdersBehindItAndSendsThemAgainAsNewAttempts() {
        submitAll(4);
        work.readValuesToList();
        drainEvents();

        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));

        List<Event> es = drainEvents();
        assertThat(es).extracting(e -> e.type() + ":" + e.patchId()).containsExactly("Failed:p1", "Queued:p2",
                "Queued:p3", "Dispatched:p2", "Dispatched:p3", "Dispatched:p4");
        // The recalled ones are new attempts, the first of them expecting the log's commit.
        assertThat(ids(work.readValuesToList())).containsExactly("p2#2", "p3#2<p2", "p4#1<p3");

        // The worker's answer to the void attempt is ignored.
        result(new WorkResult.NotStarted("main", "p2", 1, T0, "p1", "base", "p1 did not land"));
        assertThat(drainEvents()).isEmpty();
        result(succeeded("main", "p2", 2));
        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly("Succeeded:p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void aRetryRecallsTheOrdersBehindItAndTheyFollowTheRetry() {
        submitAll(3);
        work.readValuesToList();
        drainEvents();

        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));

        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly(
                "RetryScheduled:p1", "Queued:p2", "Queued:p3");
        assertThat(work.readValuesToList()).isEmpty();

        tick(Duration.ofSeconds(3));
        assertThat(ids(work.readValuesToList())).containsExactly("p1#2", "p2#2<p1", "p3#2<p2");
    }

    @Test
    void aPatchTheWorkerDidNotStartGoesBackToTheHeadAndIsSentAgainFirst() {
        submitAll(3);
        work.readValuesToList();
        drainEvents();
        result(succeeded("main", "p1", 1));
        drainEvents();
        work.readValuesToList();

        // HEAD is not p1's commit after all (say someone moved it): p2 did not start.
        result(new WorkResult.NotStarted("main", "p2", 1, T0, "p1", "beef", "p1 is not HEAD"));

        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly(
                "Queued:p3", "Queued:p2", "Dispatched:p2", "Dispatched:p3");
        List<WorkOrder> orders = work.readValuesToList();
        assertThat(ids(orders)).containsExactly("p2#2", "p3#2<p2");
        // Sent first again, it carries the commit the log recorded, so the worker's drift check can say what is wrong.
        assertThat(orders.get(0).expectedHead()).isEqualTo("c0ffee");
    }

    @Test
    void aCancelOfAPatchBehindTheRunningOneStopsItWhenItsTurnComes() {
        submitAll(3);
        work.readValuesToList();
        drainEvents();

        send(new Command.Cancel("main", "p2", ALICE, clock.instant(), "wrong file"));
        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly("CancelRequested:p2");
        List<WorkOrder> orders = work.readValuesToList();
        assertThat(orders).hasSize(1);
        assertThat(orders.get(0).isCancel()).isTrue();
        assertThat(orders.get(0).attempt()).isEqualTo(1);

        result(succeeded("main", "p1", 1));
        result(new WorkResult.Cancelled("main", "p2", 1, T0, "stopped before it started", List.of(), null, null, 0));

        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly("Succeeded:p1",
                "Cancelled:p2", "Queued:p3", "Dispatched:p3");
        // p3 was dispatched behind p2, which did not land: it goes again as the first of a new window.
        assertThat(ids(work.readValuesToList())).containsExactly("p3#2");
    }

    @Test
    void aCancelledPatchBehindOneThatFailedEndsCancelledWithoutRunning() {
        submitAll(3);
        work.readValuesToList();
        drainEvents();
        send(new Command.Cancel("main", "p2", ALICE, clock.instant(), "not needed"));
        drainEvents();
        work.readValuesToList();

        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));

        assertThat(drainEvents()).extracting(e -> e.type() + ":" + e.patchId()).containsExactly("Failed:p1",
                "Cancelled:p2", "Queued:p3", "Dispatched:p3");
    }

    @Test
    void driftBeforeThePatchFreezesTheDomainAndTheWindowWaitsInTheQueue() {
        submitAll(3);
        work.readValuesToList();
        drainEvents();

        result(new WorkResult.TreeDrifted("main", "p1", 1, T0, "aaa", "bbb", List.of("x.txt"), "HEAD moved"));

        List<Event> es = drainEvents();
        assertThat(es).extracting(e -> e.type() + ":" + e.patchId()).contains("Queued:p1", "Queued:p2", "Queued:p3")
                .doesNotContain("Dispatched:p1", "Dispatched:p2", "Dispatched:p3");
        assertThat(work.readValuesToList()).isEmpty();
    }

    /**
     * A worker that keeps the rules of {@code WorkOrder.after} against a modelled HEAD, fails patches
     * at random (final faults, and infrastructure faults that are retried), and answers in order:
     * whatever happens, every patch ends exactly once, nothing lands twice, and what lands lands in
     * the order it was submitted.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void underRandomFailuresEveryPatchEndsOnceAndWhatLandsLandsInOrder(int seed) {
        Random random = new Random(seed);
        int n = 25;
        submitAll(n);
        List<String> landed = simulateWorker(random).getOrDefault("main", List.of());

        Map<String, List<String>> ends = new HashMap<>();
        for (Event e : allEvents) {
            if (e.body().terminal()) {
                ends.computeIfAbsent(e.patchId(), k -> new ArrayList<>()).add(e.type());
            }
        }
        List<String> all = IntStream.rangeClosed(1, n).mapToObj(i -> "p" + i).toList();
        assertThat(ends.keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(ends.values()).allSatisfy(t -> assertThat(t).hasSize(1));
        assertThat(landed).doesNotHaveDuplicates();
        List<String> succeeded = allEvents.stream().filter(e -> e.body() instanceof EventBody.Succeeded)
                .map(Event::patchId).toList();
        assertThat(succeeded).isEqualTo(landed);
        assertThat(landed).isSortedAccordingTo((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)),
                Integer.parseInt(b.substring(1))));
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }
}
