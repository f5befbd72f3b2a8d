package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The decider's half of freeze-verify: verify orders, freezing on drift, and unfreezing by adopt or reset. */
class FreezeVerifyTest extends DeciderTestBase {

    private static final String FREEZE_CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                driftCheckInterval: 1m
              ops:
                workspace: ws/ops
                driftCheckInterval: 1m
            """;

    private static final Submitter OPS = Submitter.http("ops");
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    @BeforeEach
    void freezeContract() {
        contract.set(parse(FREEZE_CONTRACT));
    }

    // ---- helpers ----------------------------------------------------------------------------

    private void submit(String id) {
        submit(patch(id, "main", id + ".txt", id));
    }

    private void succeed(String id, String commit) {
        result(new WorkResult.Succeeded("main", id, 1, T0, commit, List.of(id + ".txt"), List.of(), null, "# s", 5,
                false));
    }

    private void unfreeze(String mode) {
        commands.pipeInput("main", new Command.Unfreeze("main", mode, OPS, clock.instant()));
    }

    private List<Event> drain() {
        return drainEvents();
    }

    private List<WorkOrder> orders() {
        return work.readValuesToList();
    }

    /** The single workspace task sent since the last look. */
    private WorkspaceTask task() {
        List<WorkOrder> os = orders();
        assertThat(os).hasSize(1);
        assertThat(os.get(0).forWorkspace()).as("a workspace task, not a patch").isTrue();
        assertThat(os.get(0).patchId()).isNull();
        return os.get(0).workspace();
    }

    /** main ran p1 to commit c1 and is idle. */
    private void landed() {
        submit("p1");
        succeed("p1", "c1");
        drain();
        orders();
    }

    /** main is frozen: a verify found drift. */
    private WorkspaceTask frozen() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        WorkspaceTask verify = task();
        result(new WorkResult.DriftFound("main", verify.check(), "verify", T0, "c1", "c1", "modified: README.md"));
        assertThat(types(drain())).containsExactly("DriftFound");
        return verify;
    }

    // ---- verify -----------------------------------------------------------------------------

    @Test
    void idleDomainIsVerifiedOnceItsIntervalPassesAgainstTheLastAppliedCommit() {
        landed();
        tick(Duration.ofSeconds(30));
        assertThat(work.isEmpty()).as("the interval has not passed yet").isTrue();

        tick(Duration.ofSeconds(31));

        WorkspaceTask verify = task();
        assertThat(verify.action()).isEqualTo(WorkspaceTask.VERIFY);
        assertThat(verify.expectedCommit()).isEqualTo("c1");
        assertThat(verify.by()).isNull();
        assertThat(events.isEmpty()).as("sending a verify is not an event").isTrue();

        result(new WorkResult.WorkspaceVerified("main", verify.check(), "verify", T0, "c1", "t1"));
        List<Event> es = drain();
        assertThat(types(es)).containsExactly("Snapshot");
        assertThat(es.get(0).patchId()).isNull();
        assertThat(es.get(0).body()).isEqualTo(new EventBody.Snapshot("c1", "t1"));
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void unchangedTreeIsNotRecordedAgainUntilTheSnapshotIsAnHourOld() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        result(new WorkResult.WorkspaceVerified("main", task().check(), "verify", T0, "c1", "t1"));
        assertThat(types(drain())).containsExactly("Snapshot");

        tick(INTERVAL.plusSeconds(1));
        WorkspaceTask second = task();
        assertThat(second.check()).isGreaterThan(1);
        result(new WorkResult.WorkspaceVerified("main", second.check(), "verify", T0, "c1", "t1"));
        assertThat(events.isEmpty()).as("the same tree a minute later is not news").isTrue();

        tick(WorkspaceDecisions.SNAPSHOT_EVERY);
        result(new WorkResult.WorkspaceVerified("main", task().check(), "verify", T0, "c1", "t1"));
        assertThat(types(drain())).containsExactly("Snapshot");
    }

    @Test
    void firstCheckOfADomainWithoutAnAppliedCommitRecordsWhatItFinds() {
        commands.pipeInput("main", new Command.Approve("main", "ghost", ALICE, T0));
        drain();
        tick(Duration.ofSeconds(1));
        tick(INTERVAL);

        WorkspaceTask first = task();
        assertThat(first.expectedCommit()).isNull();
        result(new WorkResult.WorkspaceVerified("main", first.check(), "verify", T0, "c0", "t0"));
        assertThat(drain()).extracting(Event::body).containsExactly(new EventBody.Snapshot("c0", "t0"));

        tick(INTERVAL.plusSeconds(1));
        assertThat(task().expectedCommit()).isEqualTo("c0");
    }

    @Test
    void noVerifyIsSentWhileAPatchRunsOrWaits() {
        submit("p1");
        submit("p2");
        drain();
        orders();

        tick(INTERVAL.multipliedBy(3));

        assertThat(orders()).as("main is busy with p1").isEmpty();
    }

    @Test
    void patchesWaitWhileAVerifyIsOutAndRunWhenTheTreeIsClean() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        WorkspaceTask verify = task();

        submit("p2");
        assertThat(types(drain())).containsExactly("Submitted", "Accepted", "Queued");
        assertThat(work.isEmpty()).isTrue();

        result(new WorkResult.WorkspaceVerified("main", verify.check(), "verify", T0, "c1", "t1"));
        assertThat(types(drain())).containsExactly("Snapshot", "Dispatched");
        assertThat(orders()).extracting(WorkOrder::patchId).containsExactly("p2");
    }

    @Test
    void unansweredVerifyStopsHoldingPatchesAfterTheAnswerTimeout() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        task();
        submit("p2");
        drain();

        tick(WorkspaceDecisions.ANSWER_TIMEOUT.plusSeconds(1));

        assertThat(types(drain())).containsExactly("Dispatched");
        assertThat(orders()).extracting(WorkOrder::patchId).containsExactly("p2");
    }

    @Test
    void answerToAnotherCheckIsIgnored() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        WorkspaceTask verify = task();

        result(new WorkResult.DriftFound("main", verify.check() + 5, "verify", T0, "c1", "c9", "late"));
        result(new WorkResult.WorkspaceVerified("main", verify.check() - 1, "verify", T0, "c1", "t1"));

        assertThat(events.isEmpty()).isTrue();
        result(new WorkResult.WorkspaceVerified("main", verify.check(), "verify", T0, "c1", "t1"));
        assertThat(types(drain())).containsExactly("Snapshot");
        result(new WorkResult.WorkspaceVerified("main", verify.check(), "verify", T0, "c1", "t1"));
        assertThat(events.isEmpty()).as("a repeated answer changes nothing").isTrue();
    }

    // ---- drift ------------------------------------------------------------------------------

    @Test
    void driftFreezesTheDomainAndNewPatchesQueueWithoutBeingDispatched() {
        frozen();
        Event drift = allEvents.get(allEvents.size() - 1);
        assertThat(drift.patchId()).isNull();
        assertThat(drift.body()).isEqualTo(new EventBody.DriftFound("c1", "c1", "modified: README.md"));

        submit("p2");
        submit("p3");
        assertThat(types(drain())).containsExactly("Submitted", "Accepted", "Queued", "Submitted", "Accepted", "Queued");
        tick(INTERVAL.multipliedBy(5));
        assertThat(orders()).as("a frozen domain gets neither patches nor further verifies").isEmpty();
        assertThat(events.isEmpty()).isTrue();
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void otherDomainsRunWhileOneIsFrozen() {
        frozen();
        Patch p = new Patch("o1", "ops", "ops work", null, null, null, List.of(FileChange.write("o.txt", "o")), null,
                null, null);
        commands.pipeInput("ops", new Command.Submit(p, ALICE, clock.instant()));

        assertThat(types(drain())).endsWith("Dispatched");
        assertThat(orders()).extracting(WorkOrder::patchId).containsExactly("o1");
    }

    @Test
    void verifyThatFindsHeadElsewhereFreezesEvenWhenTheWorkerCallsTheTreeClean() {
        landed();
        tick(INTERVAL.plusSeconds(1));
        WorkspaceTask verify = task();

        result(new WorkResult.WorkspaceVerified("main", verify.check(), "verify", T0, "c7", "t7"));

        List<Event> es = drain();
        assertThat(types(es)).containsExactly("DriftFound");
        var drift = (EventBody.DriftFound) es.get(0).body();
        assertThat(drift.expectedCommit()).isEqualTo("c1");
        assertThat(drift.actualCommit()).isEqualTo("c7");
    }

    // ---- unfreeze ---------------------------------------------------------------------------

    @Test
    void resetSendsTheRecordedCommitAndDispatchResumesOnceTheWorkerHasResetTheTree() {
        frozen();
        submit("p2");
        drain();

        unfreeze("reset");
        WorkspaceTask reset = task();
        assertThat(reset.action()).isEqualTo(WorkspaceTask.RESET);
        assertThat(reset.expectedCommit()).isEqualTo("c1");
        assertThat(reset.by()).isEqualTo(OPS);
        assertThat(events.isEmpty()).as("frozen until the worker has done it").isTrue();

        result(new WorkResult.WorkspaceVerified("main", reset.check(), "reset", T0, "c1", "t1"));

        List<Event> es = drain();
        assertThat(types(es)).containsExactly("DomainUnfrozen", "Snapshot", "Dispatched");
        assertThat(es.get(0).body()).isEqualTo(new EventBody.DomainUnfrozen("reset", OPS));
        assertThat(es.get(2).patchId()).isEqualTo("p2");
        assertThat(orders()).extracting(WorkOrder::patchId).containsExactly("p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void adoptMakesTheAdoptedCommitTheOneLaterChecksExpect() {
        frozen();

        unfreeze("adopt");
        WorkspaceTask adopt = task();
        assertThat(adopt.action()).isEqualTo(WorkspaceTask.ADOPT);
        result(new WorkResult.WorkspaceVerified("main", adopt.check(), "adopt", T0, "c2", "t2"));

        List<Event> es = drain();
        assertThat(types(es)).containsExactly("DomainUnfrozen", "Snapshot");
        assertThat(es.get(1).body()).isEqualTo(new EventBody.Snapshot("c2", "t2"));

        tick(INTERVAL.plusSeconds(1));
        assertThat(task().expectedCommit()).isEqualTo("c2");
    }

    @Test
    void failedResetKeepsTheDomainFrozenAndMayBeAskedAgain() {
        frozen();
        unfreeze("reset");
        WorkspaceTask reset = task();

        result(new WorkResult.DriftFound("main", reset.check(), "reset", T0, "c1", "c5",
                "cannot reset: commit c1 is not in the repository"));
        assertThat(types(drain())).containsExactly("DriftFound");
        submit("p2");
        assertThat(types(drain())).doesNotContain("Dispatched");

        unfreeze("adopt");
        assertThat(task().action()).isEqualTo(WorkspaceTask.ADOPT);
    }

    @Test
    void unfreezeIsRefusedWhenNotFrozenWithAnUnknownModeOrWhileAnotherIsUnderWay() {
        landed();
        unfreeze("reset");
        List<Event> es = drain();
        assertThat(types(es)).containsExactly("CommandRefused");
        var refused = (EventBody.CommandRefused) es.get(0).body();
        assertThat(refused.command()).isEqualTo("Unfreeze");
        assertThat(refused.reason()).contains("not frozen");
        assertThat(es.get(0).patchId()).isNull();

        tick(INTERVAL.plusSeconds(1));
        result(new WorkResult.DriftFound("main", task().check(), "verify", T0, "c1", "c3", "HEAD moved"));
        drain();

        unfreeze("revert");
        assertThat(((EventBody.CommandRefused) drain().get(0).body()).reason()).contains("adopt or reset");

        unfreeze("reset");
        task();
        unfreeze("adopt");
        assertThat(((EventBody.CommandRefused) drain().get(0).body()).reason()).contains("under way");
        assertThat(orders()).isEmpty();
    }

    // ---- rubric score -----------------------------------------------------------------------

    @Test
    void rubricScoreOfTheWorkerIsCopiedIntoTheTerminalEvent() {
        submit("p1");
        result(new WorkResult.Succeeded("main", "p1", 1, T0, "c1", List.of(), List.of(), null, "# s", 5, false, 0.9));
        submit("p2");
        result(new WorkResult.Failed("main", "p2", 1, T0, FailureClass.GATE_FAILED, "gate failed", null, List.of(), null,
                "# s", 5, 0.25));

        List<Event> es = drain();
        assertThat(es.stream().map(Event::body).filter(b -> b instanceof EventBody.Succeeded)
                .map(b -> ((EventBody.Succeeded) b).score())).containsExactly(0.9);
        assertThat(es.stream().map(Event::body).filter(b -> b instanceof EventBody.Failed)
                .map(b -> ((EventBody.Failed) b).score())).containsExactly(0.25);
    }
}
