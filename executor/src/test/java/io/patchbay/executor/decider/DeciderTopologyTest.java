package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.Test;

class DeciderTopologyTest extends DeciderTestBase {

    // ---- submit -----------------------------------------------------------------------------

    @Test
    void acceptedSubmissionIsQueuedAndDispatchedWhenTheDomainIsIdle() {
        submit(patch("p1", "main", "docs/a.md", "hello"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
        assertThat(es).allSatisfy(e -> {
            assertThat(e.domain()).isEqualTo("main");
            assertThat(e.patchId()).isEqualTo("p1");
            assertThat(e.at()).isEqualTo(T0);
        });
        assertThat(es.get(0).prevHash()).isEqualTo(HashChain.GENESIS);
        assertThat(es).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(((EventBody.Accepted) es.get(1).body()).contractVersion()).isEqualTo("test-1");
        assertThat(((EventBody.Queued) es.get(2).body()).position()).isEqualTo(1);
        assertThat(((EventBody.Dispatched) es.get(3).body()).attempt()).isEqualTo(1);

        var orders = work.readKeyValuesToList();
        assertThat(orders).hasSize(1);
        assertThat(orders.get(0).key).isEqualTo("main");
        assertThat(orders.get(0).value.patchId()).isEqualTo("p1");
        assertThat(orders.get(0).value.attempt()).isEqualTo(1);
        assertThat(orders.get(0).value.patch().files()).extracting(FileChange::path).containsExactly("docs/a.md");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void secondSubmissionWaitsAndIsDispatchedAfterTheFirstSucceeds() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched",
                "Submitted", "Accepted", "Queued");
        assertThat(((EventBody.Queued) es.get(6).body()).position()).isEqualTo(1);
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p1");

        result(new WorkResult.Started("main", "p1", 1, T0, "w1", "base"));
        result(new WorkResult.GateFinished("main", "p1", 1, T0, new GateResult("unit", true, 0, 3, "ok")));
        result(succeeded("main", "p1", 1));

        es = drainEvents();
        assertThat(types(es)).containsExactly("Started", "GateFinished", "Succeeded", "Dispatched");
        assertThat(es.subList(0, 3)).extracting(Event::patchId).containsOnly("p1");
        assertThat(es.get(3).patchId()).isEqualTo("p2");
        var s = (EventBody.Succeeded) es.get(2).body();
        assertThat(s.commitId()).isEqualTo("c0ffee");
        assertThat(s.summaryPath()).isEqualTo("var/s.md");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void duplicateSubmissionEmitsNothing() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();
        work.readValuesToList();

        submit(patch("p1", "main", "a.txt", "1"));

        assertThat(events.isEmpty()).isTrue();
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void sameIdWithOtherContentIsRefusedAsAnIdConflict() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();
        work.readValuesToList();

        submit(patch("p1", "main", "a.txt", "something else"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        var refused = (EventBody.CommandRefused) es.get(0).body();
        assertThat(refused.command()).isEqualTo("Submit");
        assertThat(refused.reason()).contains("id conflict");
        assertThat(work.isEmpty()).isTrue();
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void nodeRunnerBlockResubmittedWithOtherContentIsRefusedAsAnIdConflict() {
        contract.set(ContractLoader.parse("""
                version: "test-node"
                domains:
                  main: {workspace: ws/main, nodePathPrefix: /srv/main}
                """.getBytes(StandardCharsets.UTF_8), "test"));
        String block = """
                {"blockId": "blk-7", "target": "main", "mutations": [{"path": "/srv/main/a.txt", "contents": "%s"}]}
                """;
        Patch first = PatchReader.read(block.formatted("one").getBytes(StandardCharsets.UTF_8),
                PatchReader.Format.JSON, null, contract.get());
        Patch again = PatchReader.read(block.formatted("one").getBytes(StandardCharsets.UTF_8),
                PatchReader.Format.JSON, null, contract.get());
        Patch changed = PatchReader.read(block.formatted("two").getBytes(StandardCharsets.UTF_8),
                PatchReader.Format.JSON, null, contract.get());

        submit(first);
        assertThat(drainEvents()).extracting(Event::patchId).containsOnly("blk-7");
        submit(again);
        assertThat(events.isEmpty()).isTrue();
        submit(changed);

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(((EventBody.CommandRefused) es.get(0).body()).reason()).contains("id conflict").contains("blk-7");
    }

    @Test
    void submissionWithoutIdGetsItsContentAddress() {
        Patch p = patch(null, "main", "a.txt", "1");
        submit(p);

        List<Event> es = drainEvents();
        assertThat(es).extracting(Event::patchId).containsOnly(p.contentId());
        assertThat(((EventBody.Submitted) es.get(0).body()).patch().id()).isEqualTo(p.contentId());
    }

    @Test
    void rejectsPatchThatEscapesWorkspace() {
        contract.set(ContractLoader.loadDefault());
        submit(patch("escape", "main", "../x", "boom"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Rejected");
        var rejected = (EventBody.Rejected) es.get(1).body();
        assertThat(rejected.violations()).extracting(Violation::code).contains("PATH_TRAVERSAL");
        assertThat(rejected.contractVersion()).isEqualTo(contract.get().version());
        assertThat(rejected.contractHash()).isEqualTo(contract.get().hash());
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void rejectsPatchThatWritesIntoGitDir() {
        submit(patch("gitdir", "main", ".git/hooks/pre-commit", "#!/bin/sh"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Rejected");
        assertThat(((EventBody.Rejected) es.get(1).body()).violations()).extracting(Violation::code)
                .containsExactly("PATH_GIT_DIR");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void rejectedPatchDoesNotHoldTheQueue() {
        submit(patch("bad", "main", "../x", "boom"));
        submit(patch("good", "main", "x.txt", "fine"));

        assertThat(types(drainEvents())).containsExactly("Submitted", "Rejected",
                "Submitted", "Accepted", "Queued", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("good");
    }

    @Test
    void domainsRunInParallelWithTheirOwnChains() {
        submit(patch("m1", "main", "a.txt", "1"));
        submit(patch("o1", "ops", "a.txt", "1"));

        List<Event> es = drainEvents();
        assertThat(es.stream().filter(e -> e.domain().equals("ops")).map(Event::seq)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(es.stream().filter(e -> e.domain().equals("ops")).findFirst().orElseThrow().prevHash())
                .isEqualTo(HashChain.GENESIS);
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("m1", "o1");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    // ---- results ----------------------------------------------------------------------------

    @Test
    void staleAndDuplicateResultsAreIgnored() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        result(new WorkResult.Started("main", "p1", 2, T0, "w1", "base")); // attempt not dispatched
        result(new WorkResult.Started("main", "p2", 1, T0, "w1", "base")); // patch not running
        result(new WorkResult.Started("main", "nope", 1, T0, "w1", "base")); // unknown patch
        assertThat(events.isEmpty()).isTrue();

        result(succeeded("main", "p1", 1));
        assertThat(types(drainEvents())).containsExactly("Succeeded", "Dispatched");
        work.readValuesToList();

        result(succeeded("main", "p1", 1)); // redelivered
        result(failed("main", "p1", 1, FailureClass.GATE_FAILED)); // late
        assertThat(events.isEmpty()).isTrue();
        assertThat(work.isEmpty()).isTrue();
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void nonRetriableFailureIsFinalAndTheNextPatchRuns() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Failed", "Dispatched");
        var f = (EventBody.Failed) es.get(0).body();
        assertThat(f.failureClass()).isEqualTo(FailureClass.GATE_FAILED);
        assertThat(f.attempt()).isEqualTo(1);
        assertThat(es.get(1).patchId()).isEqualTo("p2");
    }

    @Test
    void retriableFailureIsRetriedAfterBackoffUntilAttemptsRunOutThenQuarantined() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("RetryScheduled");
        var rs = (EventBody.RetryScheduled) es.get(0).body();
        assertThat(rs.nextAttempt()).isEqualTo(2);
        assertThat(rs.notBefore()).isEqualTo(T0.plusSeconds(2));

        // The domain waits for p1: order is kept even though p2 is ready.
        tick(Duration.ofSeconds(1));
        assertThat(events.isEmpty()).isTrue();
        assertThat(work.isEmpty()).isTrue();

        tick(Duration.ofSeconds(1));
        es = drainEvents();
        assertThat(types(es)).containsExactly("Dispatched");
        assertThat(((EventBody.Dispatched) es.get(0).body()).attempt()).isEqualTo(2);
        assertThat(work.readValuesToList()).singleElement()
                .satisfies(o -> assertThat(o.patchId()).isEqualTo("p1"))
                .satisfies(o -> assertThat(o.attempt()).isEqualTo(2));

        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE)); // the old attempt again: ignored
        assertThat(events.isEmpty()).isTrue();

        Instant failedAt = clock.instant();
        result(failed("main", "p1", 2, FailureClass.INFRASTRUCTURE));
        rs = (EventBody.RetryScheduled) drainEvents().get(0).body();
        assertThat(rs.nextAttempt()).isEqualTo(3);
        assertThat(rs.notBefore()).isEqualTo(failedAt.plusSeconds(4)); // backoff × attempt

        tick(Duration.ofSeconds(4));
        assertThat(types(drainEvents())).containsExactly("Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::attempt).containsExactly(3);

        result(failed("main", "p1", 3, FailureClass.INFRASTRUCTURE));
        es = drainEvents();
        assertThat(types(es)).containsExactly("Quarantined", "Dispatched");
        var q = (EventBody.Quarantined) es.get(0).body();
        assertThat(q.attempts()).isEqualTo(3);
        assertThat(q.reason()).contains("INFRASTRUCTURE");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    // ---- operator commands ------------------------------------------------------------------

    @Test
    void cancellingAQueuedPatchRemovesItFromTheQueue() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        send(new Command.Cancel("main", "p2", ALICE, T0, "not needed"));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Cancelled");
        assertThat(((EventBody.Cancelled) es.get(0).body()).reason()).isEqualTo("not needed");

        result(succeeded("main", "p1", 1));
        assertThat(types(drainEvents())).containsExactly("Succeeded");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void cancellingAPatchWaitingForItsRetryFreesTheDomain() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        drainEvents();
        work.readValuesToList();

        send(new Command.Cancel("main", "p1", ALICE, T0, "give up"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Cancelled", "Dispatched");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
        tick(Duration.ofSeconds(5));
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
    }

    @Test
    void commandForUnknownPatchIsRefused() {
        send(new Command.Approve("main", "ghost", ALICE, T0));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        var r = (EventBody.CommandRefused) es.get(0).body();
        assertThat(r.command()).isEqualTo("Approve");
        assertThat(r.reason()).contains("ghost");
        assertThat(es.get(0).seq()).isEqualTo(1);
    }

    @Test
    void approvingAPatchThatNeedsNoApprovalIsRefused() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();

        send(new Command.Approve("main", "p1", ALICE, T0));

        assertThat(types(drainEvents())).containsExactly("CommandRefused");
    }

    @Test
    void releasedQuarantinedPatchIsQueuedAgainAtTheTail() {
        quarantine("p1");
        submit(patch("p2", "main", "b.txt", "2"));
        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
        work.readValuesToList();

        send(new Command.Release("main", "p1", ALICE, T0));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Released", "Queued");
        assertThat(((EventBody.Queued) es.get(1).body()).position()).isEqualTo(1);

        result(succeeded("main", "p2", 1));
        es = drainEvents();
        assertThat(types(es)).containsExactly("Succeeded", "Dispatched");
        assertThat(es.get(1).patchId()).isEqualTo("p1");
        // Attempts go on counting, so a late result of the first life cannot pass for the new one.
        assertThat(((EventBody.Dispatched) es.get(1).body()).attempt()).isEqualTo(2);
        assertThat(work.readValuesToList()).singleElement()
                .satisfies(o -> assertThat(o.patch().files()).extracting(FileChange::path).containsExactly("a.txt"));
        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));
        assertThat(events.isEmpty()).isTrue();

        result(failed("main", "p1", 2, FailureClass.INFRASTRUCTURE));
        es = drainEvents();
        assertThat(types(es)).containsExactly("Quarantined");
        assertThat(((EventBody.Quarantined) es.get(0).body()).attempts()).isEqualTo(1);
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void discardingAQuarantinedPatchEndsIt() {
        quarantine("p1");

        send(new Command.Discard("main", "p1", ALICE, T0));
        assertThat(types(drainEvents())).containsExactly("Discarded");

        send(new Command.Release("main", "p1", ALICE, T0));
        assertThat(types(drainEvents())).containsExactly("CommandRefused");
    }

    @Test
    void retryCommandDispatchesAHeldRetryAtOnce() {
        submit(patch("p1", "main", "a.txt", "1"));
        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        drainEvents();
        work.readValuesToList();

        send(new Command.Retry("main", "p1", ALICE, T0));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::attempt).containsExactly(2);
        tick(Duration.ofSeconds(10));
        assertThat(events.isEmpty()).isTrue();
    }

    // ---- bad input --------------------------------------------------------------------------

    @Test
    void poisonRecordsAreSkippedAndTheNextRecordIsDecided() {
        TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.COMMANDS, new StringSerializer(),
                new ByteArraySerializer());
        raw.pipeInput("main", "this is not json".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("main", "{\"type\":\"Submit\"}".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("main", "{\"type\":\"NoSuchCommand\"}".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("main", (byte[]) null);
        TestInputTopic<String, byte[]> rawResults = driver.createInputTopic(Topics.RESULTS, new StringSerializer(),
                new ByteArraySerializer());
        rawResults.pipeInput("main", "{\"type\":\"Succeeded\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(events.isEmpty()).isTrue();

        submit(patch("p1", "main", "a.txt", "1"));

        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
        assertThat(allEvents.get(0).seq()).isEqualTo(1);
    }

    @Test
    void commandKeyedByAnotherDomainIsSkipped() {
        Patch p = patch("p1", "main", "a.txt", "1");
        commands.pipeInput("ops", new Command.Submit(p, ALICE, T0));

        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void submissionWithoutDomainIsRejectedInTheKeysChain() {
        Patch p = patch("p1", null, "a.txt", "1");
        commands.pipeInput("main", new Command.Submit(p, ALICE, T0));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Rejected");
        assertThat(es).extracting(Event::domain).containsOnly("main");
        assertThat(((EventBody.Rejected) es.get(1).body()).violations()).extracting(Violation::code)
                .containsExactly("DOMAIN_MISSING");
    }

    @Test
    void tamperedEventIsFoundByTheChain() {
        submit(patch("p1", "main", "a.txt", "1"));
        List<Event> es = new ArrayList<>(drainEvents());
        assertThat(HashChain.verify(es)).isEmpty();

        Event second = es.get(1);
        es.set(1, new Event(second.domain(), second.seq(), "other", second.at(), second.body(), second.prevHash(),
                second.hash()));

        assertThat(HashChain.verify(es)).isPresent();
    }
}
