package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/** Whatever one input does, it ends its own patch and the domain goes on with the next. */
class DeciderUndecidableTest extends DeciderTestBase {

    /** Runs the decider again on the same clock with a different contract supplier and record limits. */
    private void restart(Supplier<ExecutionContract> supplier, RecordLimits limits) {
        driver.close();
        var props = Decider.streamsProperties(DeciderConfig.local("127.0.0.1:1", stateDir.resolve("again")));
        driver = new TopologyTestDriver(DeciderTopology.build(supplier, clock,
                io.patchbay.executor.sandbox.SandboxStatus.AVAILABLE, limits, window()), props, T0);
        commands = driver.createInputTopic(Topics.COMMANDS, Topics.KEY.serializer(), Topics.COMMAND.serializer());
        results = driver.createInputTopic(Topics.RESULTS, Topics.KEY.serializer(), Topics.WORK_RESULT.serializer());
        events = driver.createOutputTopic(Topics.EVENTS, Topics.KEY.deserializer(), Topics.EVENT.deserializer());
        work = driver.createOutputTopic(Topics.WORK, Topics.KEY.deserializer(), Topics.WORK_ORDER.deserializer());
    }

    @Test
    void submitWhoseVerdictThrowsEndsRejectedAndTheNextPatchIsDecided() {
        AtomicReference<String> failure = new AtomicReference<>();
        restart(() -> {
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
            return contract.get();
        }, RecordLimits.DEFAULT);

        failure.set("the contract store is unreadable\n\tat some.Frame(Frame.java:1)");
        submit(patch("p1", "main", "a.txt", "1"));
        failure.set(null);
        submit(patch("p2", "main", "b.txt", "2"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Rejected", "Submitted", "Accepted", "Queued", "Dispatched");
        var rejected = (EventBody.Rejected) es.get(1).body();
        assertThat(rejected.violations()).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo("INTERNAL_ERROR");
            assertThat(v.message()).contains("IllegalStateException: the contract store is unreadable")
                    .doesNotContain("\n");
        });
        assertThat(es.get(5).patchId()).isEqualTo("p2");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
        assertThat(HashChain.verify(allEvents)).isEmpty();

        // Dedup still holds: the rejected patch sent again keeps its outcome and writes nothing new.
        submit(patch("p1", "main", "a.txt", "1"));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void submitTooLargeToCarryEndsRejectedWithoutItsContentAndANearLimitPatchPasses() {
        RecordLimits limits = new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES);
        restart(contract::get, limits);
        contract.set(parse(CONTRACT.replace("ops:\n", "ops:\n    limits: {patchBytes: 1000000}\n")));

        submit(patch("big", "ops", "big.txt", "x".repeat(limits.maxRecordBytes())));
        submit(patch("near", "ops", "near.txt", "y".repeat(limits.maxCommandBytes() - 4096)));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Rejected", "Submitted", "Accepted", "Queued", "Dispatched");
        var submitted = (EventBody.Submitted) es.get(0).body();
        assertThat(submitted.patch().id()).isEqualTo("big");
        assertThat(submitted.patch().files()).as("the content that cannot be carried is left out").isEmpty();
        assertThat(((EventBody.Rejected) es.get(1).body()).violations()).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo("INTERNAL_ERROR");
            assertThat(v.message()).contains("over the").contains("PATCHBAY_MAX_RECORD_BYTES");
        });
        assertThat(((EventBody.Submitted) es.get(2).body()).patch().files().get(0).content())
                .hasSize(limits.maxCommandBytes() - 4096);
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("near");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void terminalResultThatCannotBeDecidedFailsTheRunningPatchAndTheNextOneRuns() {
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();
        work.readValuesToList();

        // A Failed result without its class cannot be judged for retry: today's decider would skip it for ever.
        result(new WorkResult.Failed("main", "p1", 1, T0, null, "?", null, List.of(), null, null, 1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Failed", "Dispatched");
        var f = (EventBody.Failed) es.get(0).body();
        assertThat(f.failureClass()).isEqualTo(FailureClass.INFRASTRUCTURE);
        assertThat(f.reason()).contains("could not record").contains("must name its failure class");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
    }
}
