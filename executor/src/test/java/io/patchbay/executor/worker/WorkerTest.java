package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerTest {

    private static final TopicPartition P0 = new TopicPartition(Topics.WORK, 0);
    private static final TopicPartition P1 = new TopicPartition(Topics.WORK, 1);

    @TempDir
    Path home;

    private final BlockingPollConsumer consumer = new BlockingPollConsumer();
    private final MockProducer<String, WorkResult> producer =
            new MockProducer<>(false, null, new StringSerializer(), Topics.WORK_RESULT.serializer());
    private final List<WorkOrder> ran = new CopyOnWriteArrayList<>();
    private final Map<String, CountDownLatch> gates = new java.util.concurrent.ConcurrentHashMap<>();
    private Worker worker;

    /** A MockConsumer whose poll waits like a real one instead of spinning, and that counts polls. */
    static final class BlockingPollConsumer extends MockConsumer<String, byte[]> {
        final AtomicInteger polls = new AtomicInteger();

        BlockingPollConsumer() {
            super("earliest");
        }

        @Override
        public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
            polls.incrementAndGet();
            ConsumerRecords<String, byte[]> r = super.poll(timeout);
            if (r.isEmpty()) {
                try {
                    wait(timeout.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return r;
        }

        @Override
        public synchronized void addRecord(ConsumerRecord<String, byte[]> record) {
            super.addRecord(record);
            notifyAll();
        }

        /** How the worker asked to close it, null while open. */
        volatile CloseOptions.GroupMembershipOperation closedWith;

        @Override
        public void close(CloseOptions options) {
            closedWith = options.groupMembershipOperation();
            super.close(options);
        }

        synchronized Long committedOffset(TopicPartition tp) {
            OffsetAndMetadata m = committed(Set.of(tp)).get(tp);
            return m == null ? null : m.offset();
        }
    }

    private void start(TopicPartition... partitions) {
        start(this::runOrder, partitions);
    }

    private void start(OrderRunner runner, TopicPartition... partitions) {
        start(runner, Worker.FENCE_AFTER, partitions);
    }

    private void start(OrderRunner runner, Duration fenceAfter, TopicPartition... partitions) {
        worker = new Worker(new WorkerConfig("127.0.0.1:1", home, "w-test"), runner, () -> consumer,
                () -> producer, Clock.systemUTC(), fenceAfter, Duration.ofSeconds(20));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partitions));
            var begin = new java.util.HashMap<TopicPartition, Long>();
            for (TopicPartition tp : partitions) {
                begin.put(tp, 0L);
            }
            consumer.updateBeginningOffsets(begin);
        });
        worker.start();
        await().until(() -> consumer.assignment().size() == partitions.length);
    }

    @AfterEach
    void stop() {
        gates.values().forEach(CountDownLatch::countDown);
        if (worker != null) {
            worker.close(Duration.ofSeconds(5));
        }
    }

    /** Runs an order; one whose id starts with "stoppable" runs until it is cancelled. */
    private WorkResult runOrder(WorkOrder order, java.util.function.Consumer<WorkResult> progress,
            Cancellation cancellation) throws InterruptedException {
        ran.add(order);
        if (cancellation.cancelled()) {
            return stopped(order);
        }
        progress.accept(new WorkResult.Started(order.domain(), order.patchId(), order.attempt(), Instant.now(), "w",
                "base"));
        if (order.patchId().startsWith("stoppable")) {
            await().atMost(Duration.ofSeconds(30)).until(cancellation::cancelled);
            return stopped(order);
        }
        CountDownLatch gate = gates.get(order.patchId());
        if (gate != null && !gate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released " + order.patchId());
        }
        return new WorkResult.Succeeded(order.domain(), order.patchId(), order.attempt(), Instant.now(), "c",
                List.of(), List.of(), null, "", 1, false);
    }

    private static WorkResult stopped(WorkOrder order) {
        return new WorkResult.Cancelled(order.domain(), order.patchId(), order.attempt(), Instant.now(), "stopped",
                List.of(), null, "", 1);
    }

    private static byte[] cancelOrder(String domain, String id) {
        return Json.bytes(WorkOrder.cancel(domain, id, 1, Instant.now()));
    }

    private static byte[] order(String domain, String id) {
        Patch p = new Patch(id, domain, "t", null, null, null, List.of(FileChange.write("a", "a")), null, null, null);
        return Json.bytes(new WorkOrder(domain, id, 1, p, Instant.now()));
    }

    private void add(TopicPartition tp, long offset, String domain, byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, domain, value));
    }

    private List<String> sentTypes() {
        List<String> out = new ArrayList<>();
        for (var r : producer.history()) {
            out.add(r.value().getClass().getSimpleName() + ":" + r.value().patchId());
        }
        return out;
    }

    private void acknowledgeAll() {
        while (producer.completeNext()) {
            // every pending send is acknowledged
        }
    }

    /** Runs until it is fenced, as the real runner does: it rolls back and reports nothing. */
    private WorkResult runUntilFenced(WorkOrder order, java.util.function.Consumer<WorkResult> progress,
            Cancellation cancellation, List<String> happened) {
        ran.add(order);
        progress.accept(new WorkResult.Started(order.domain(), order.patchId(), order.attempt(), Instant.now(), "w",
                "base"));
        await().atMost(Duration.ofSeconds(30)).until(cancellation::cancelled);
        happened.add("run stopped: " + cancellation.fenced());
        throw new Fenced(cancellation.fenced());
    }

    @Test
    void aMovedPartitionsRunningOrderStopsBeforeThePartitionIsGivenUpAndReportsNothing() {
        List<String> happened = new CopyOnWriteArrayList<>();
        start((order, progress, cancellation) -> runUntilFenced(order, progress, cancellation, happened), P0, P1);
        add(P0, 0, "main", order("main", "long"));
        await().until(() -> ran.size() == 1);

        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(P1));
            happened.add("partition given up");
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> happened.size() == 2);
        assertThat(happened).hasSize(2);
        assertThat(happened.get(0)).startsWith("run stopped: partition " + P0 + " moved to another worker");
        assertThat(happened.get(1)).isEqualTo("partition given up");
        acknowledgeAll();
        assertThat(sentTypes()).as("only its progress: the order is not finished").containsExactly("Started:long");
        assertThat(consumer.committedOffset(P0)).isNull();
    }

    @Test
    void aWorkerThatWentTooLongWithoutAPollStopsItsRunningOrderAndRunsItAgain() {
        List<String> happened = new CopyOnWriteArrayList<>();
        start((order, progress, cancellation) -> {
            if (ran.isEmpty()) {
                return runUntilFenced(order, progress, cancellation, happened);
            }
            return runOrder(order, progress, cancellation);
        }, Duration.ofMillis(500), P0);
        add(P0, 0, "main", order("main", "paused"));
        await().until(() -> ran.size() == 1);

        // The poll thread stands still for longer than the fence allows, as in a SIGSTOP or a long GC pause.
        consumer.schedulePollTask(() -> await().pollDelay(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                .until(() -> true));

        await().atMost(Duration.ofSeconds(30)).until(() -> sentTypes().contains("Succeeded:paused"));
        assertThat(happened).singleElement().asString().contains("without a poll");
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("paused", "paused");
        acknowledgeAll();
        await().until(() -> Long.valueOf(1).equals(consumer.committedOffset(P0)));
    }

    @Test
    void offsetIsCommittedOnlyAfterTheTerminalResultIsAcknowledged() {
        start(P0);
        add(P0, 0, "main", order("main", "p1"));

        await().until(() -> sentTypes().equals(List.of("Started:p1", "Succeeded:p1")));
        assertThat(consumer.committedOffset(P0)).isNull();

        acknowledgeAll();

        await().until(() -> Long.valueOf(1).equals(consumer.committedOffset(P0)));
        assertThat(producer.history()).allSatisfy(r -> assertThat(r.key()).isEqualTo("main"));
        assertThat(producer.history()).allSatisfy(r -> assertThat(r.topic()).isEqualTo(Topics.RESULTS));
    }

    @Test
    void ordersOfOneDomainRunOneAtATimeWhilePollingGoesOn() {
        gates.put("slow", new CountDownLatch(1));
        start(P0);
        add(P0, 0, "main", order("main", "slow"));
        await().until(() -> ran.size() == 1);

        int polls = consumer.polls.get();
        await().until(() -> consumer.polls.get() > polls + 3);
        add(P0, 1, "main", order("main", "next"));
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("slow");

        gates.get("slow").countDown();
        await().until(() -> producer.history().size() == 2);
        acknowledgeAll();

        await().until(() -> ran.size() == 2);
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("slow", "next");
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(2).equals(consumer.committedOffset(P0));
        });
    }

    @Test
    void workspaceTaskIsAnsweredByTheKeeperAndItsOffsetCommitted() {
        ExecutionContract contract = ContractLoader.parse(
                "version: t\ndomains:\n  main:\n    workspace: ws/main\n".getBytes(StandardCharsets.UTF_8), "t");
        Workspaces.ensure(contract, home);
        Clock clock = Clock.systemUTC();
        start(Worker.orders(new PatchRunner(home, () -> contract, clock, "w-test"),
                new WorkspaceKeeper(home, () -> contract, clock), "w-test"), P0);
        add(P0, 0, "main", Json.bytes(WorkOrder.of("main", new WorkspaceTask(WorkspaceTask.VERIFY, 4, null, null),
                Instant.now())));

        await().until(() -> producer.history().size() == 1);
        WorkResult answer = producer.history().get(0).value();
        assertThat(answer).isInstanceOf(WorkResult.WorkspaceVerified.class);
        assertThat(((WorkResult.WorkspaceVerified) answer).check()).isEqualTo(4);
        acknowledgeAll();
        await().until(() -> Long.valueOf(1).equals(consumer.committedOffset(P0)));
    }

    @Test
    void unacknowledgedResultRunsTheOrderAgain() {
        start(P0);
        add(P0, 0, "main", order("main", "p1"));
        await().until(() -> producer.history().size() == 2);

        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker gone"));

        await().until(() -> ran.size() == 2);
        assertThat(consumer.committedOffset(P0)).isNull();
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(1).equals(consumer.committedOffset(P0));
        });
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("p1", "p1");
    }

    @Test
    void resultKafkaWillNeverTakeStopsTheWorkerInsteadOfRunningTheOrderForEver() {
        start(P0);
        add(P0, 0, "main", order("main", "p1"));
        await().until(() -> producer.history().size() == 2);

        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.ProducerFencedException("a newer producer"));

        await().until(() -> !worker.isRunning() && consumer.closed());
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("p1");
    }

    @Test
    void aResultTooLargeForARecordIsSentWithoutItsTextsAndTheWorkerGoesOn() {
        start(P0);
        add(P0, 0, "main", order("main", "p1"));
        await().until(() -> producer.history().size() == 2);

        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));

        await().until(() -> producer.history().size() == 3);
        WorkResult slim = producer.history().get(2).value();
        assertThat(slim.patchId()).isEqualTo("p1");
        assertThat(slim.getClass()).isEqualTo(producer.history().get(1).value().getClass());
        add(P0, 1, "main", order("main", "p2"));
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(2).equals(consumer.committedOffset(P0));
        });
        assertThat(worker.isRunning()).isTrue();
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("p1", "p2");
    }

    @Test
    void aSlimResultKeepsTheOutcomeAndLeavesOutTheTexts() {
        var gate = new io.patchbay.contracts.work.GateResult("unit", true, 0, 5, "x".repeat(10_000));
        var full = new WorkResult.Succeeded("main", "p1", 1, Instant.now(), "abc", List.of("a", "b"), List.of(gate),
                "var/summaries/main/p1.md", "y".repeat(100_000), 7, false, 0.5);

        var slim = (WorkResult.Succeeded) ResultSlimmer.slim(full);

        assertThat(slim.commitId()).isEqualTo("abc");
        assertThat(slim.changedFiles()).containsExactly("a", "b");
        assertThat(slim.gates()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("unit");
            assertThat(g.passed()).isTrue();
            assertThat(g.outputTail()).isEmpty();
        });
        assertThat(slim.summary()).contains("var/summaries/main/p1.md").hasSizeLessThan(200);
        assertThat(slim.score()).isEqualTo(0.5);
    }

    @Test
    void unreadableOrderIsSkippedAndCommitted() {
        start(P0);
        add(P0, 0, "main", "not an order".getBytes(StandardCharsets.UTF_8));
        add(P0, 1, "main", null);
        add(P0, 2, "main", order("main", "good"));

        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(3).equals(consumer.committedOffset(P0));
        });
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("good");
    }

    @Test
    void domainsOnOtherPartitionsRunWhileOneWaits() {
        gates.put("slow", new CountDownLatch(1));
        start(P0, P1);
        add(P0, 0, "main", order("main", "slow"));
        add(P1, 0, "ops", order("ops", "quick"));

        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(1).equals(consumer.committedOffset(P1));
        });
        assertThat(consumer.committedOffset(P0)).isNull();

        gates.get("slow").countDown();
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(1).equals(consumer.committedOffset(P0));
        });
    }

    @Test
    void domainsSharingAPartitionRunInParallelAndCommitOnlyPastFinishedOrders() {
        gates.put("slow", new CountDownLatch(1));
        start(P0);
        add(P0, 0, "main", order("main", "slow"));
        add(P0, 1, "ops", order("ops", "quick"));

        await().until(() -> {
            acknowledgeAll();
            return sentTypes().contains("Succeeded:quick");
        });
        assertThat(ran).extracting(WorkOrder::patchId).containsExactlyInAnyOrder("slow", "quick");
        await().during(Duration.ofMillis(300)).until(() -> {
            acknowledgeAll();
            return consumer.committedOffset(P0) == null;
        });

        gates.get("slow").countDown();
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(2).equals(consumer.committedOffset(P0));
        });
    }

    @Test
    void cancelOrderStopsTheRunningOrderOfItsDomainAndEveryOffsetIsCommitted() {
        start(P0);
        add(P0, 0, "main", order("main", "stoppable"));
        await().until(() -> sentTypes().equals(List.of("Started:stoppable")));

        add(P0, 1, "main", cancelOrder("main", "stoppable"));

        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(2).equals(consumer.committedOffset(P0));
        });
        assertThat(sentTypes()).containsExactly("Started:stoppable", "Cancelled:stoppable");
        assertThat(ran).extracting(WorkOrder::patchId).containsExactly("stoppable");
    }

    @Test
    void cancelOrderForAnOrderWaitingBehindAnotherStopsItAsItStarts() {
        gates.put("slow", new CountDownLatch(1));
        start(P0);
        add(P0, 0, "main", order("main", "slow"));
        await().until(() -> ran.size() == 1);
        add(P0, 1, "main", order("main", "late"));
        add(P0, 2, "main", cancelOrder("main", "late"));
        int polls = consumer.polls.get();
        await().until(() -> consumer.polls.get() > polls + 3);

        gates.get("slow").countDown();

        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(3).equals(consumer.committedOffset(P0));
        });
        assertThat(sentTypes()).containsExactly("Started:slow", "Succeeded:slow", "Cancelled:late");
    }

    @Test
    void cancelOrderForAnOrderThatAlreadyFinishedChangesNothingAndIsCommitted() {
        start(P0);
        add(P0, 0, "main", order("main", "p1"));
        await().until(() -> {
            acknowledgeAll();
            return Long.valueOf(1).equals(consumer.committedOffset(P0));
        });

        add(P0, 1, "main", cancelOrder("main", "p1"));

        await().until(() -> Long.valueOf(2).equals(consumer.committedOffset(P0)));
        assertThat(sentTypes()).containsExactly("Started:p1", "Succeeded:p1");
        assertThat(ran).hasSize(1);
    }

    @Test
    void closeStopsTheWorker() {
        start(P0);
        assertThat(worker.isRunning()).isTrue();

        worker.close(Duration.ofSeconds(5));

        assertThat(worker.isRunning()).isFalse();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void closeLeavesTheGroupSoItsPartitionsMoveAtOnce() {
        start(P0);

        worker.close(Duration.ofSeconds(5));

        // A static member that merely closes keeps its partitions for a whole session timeout.
        assertThat(consumer.closedWith).isEqualTo(CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
    }

    @Test
    void consumerReadsOnlyCommittedOrdersAndCommitsByHand() {
        var p = Worker.consumerProperties(new WorkerConfig("127.0.0.1:9092", home, "w"));

        assertThat(p).containsEntry("isolation.level", "read_committed")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("group.id", "patchbay-worker");
        assertThat(Worker.producerProperties(new WorkerConfig("127.0.0.1:9092", home, "w")))
                .containsEntry("acks", "all").containsEntry("enable.idempotence", true);
    }

    @Test
    void anErrorThrownByOneOrderEndsItFailedAndTheNextOrderRuns() {
        start((order, progress, cancellation) -> {
            if (order.patchId().equals("overflows")) {
                throw new StackOverflowError("deep recursion on the patch's content");
            }
            if (order.patchId().equals("exhausts")) {
                throw new OutOfMemoryError("Requested array size exceeds VM limit");
            }
            return runOrder(order, progress, cancellation);
        }, P0);
        add(P0, 0, "main", order("main", "overflows"));
        add(P0, 1, "main", order("main", "exhausts"));
        add(P0, 2, "main", order("main", "p3"));

        // Each result is acknowledged as it comes, so the domain's next order can start.
        await().until(() -> {
            acknowledgeAll();
            return sentTypes().equals(List.of("Failed:overflows", "Failed:exhausts", "Started:p3", "Succeeded:p3"));
        });
        var failed = producer.history().stream().map(r -> r.value())
                .filter(WorkResult.Failed.class::isInstance).map(WorkResult.Failed.class::cast).toList();
        assertThat(failed).extracting(WorkResult.Failed::reason).containsExactly(
                "the worker crashed: java.lang.StackOverflowError: deep recursion on the patch's content",
                "the worker crashed: java.lang.OutOfMemoryError: Requested array size exceeds VM limit");
        acknowledgeAll();
        await().until(() -> Long.valueOf(3).equals(consumer.committedOffset(P0)));
        assertThat(worker.isRunning()).isTrue();
    }
}
