package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.topic.KafkaErrors;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker service: consumes {@link Topics#WORK}, runs each order on a single thread of its
 * domain, reports on {@link Topics#RESULTS}, and commits an order's offset only once its terminal
 * result is acknowledged by Kafka. Polling goes on while orders run, so a long gate never costs
 * the group membership.
 *
 * <p>Orders of one domain run one after another; domains run in parallel even when they share a
 * partition. An offset commit covers everything before it, so a partition's offset advances only
 * past orders that have all finished.
 *
 * <p>It is longer than the house's classes because the poll loop, the per-partition lanes, the
 * domain threads and the offset commits share one consumer, which is not thread-safe: they are
 * kept in the one class that owns it, and only the poll thread touches it.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** The work consumer's session timeout: a member silent that long is out of the group. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    /** Two thirds of the session timeout: running orders stop before their partitions can move. */
    static final Duration FENCE_AFTER = SESSION_TIMEOUT.multipliedBy(2).dividedBy(3);
    /** Well below the rebalance timeout (max.poll.interval.ms, 5 min), so the group waits for it. */
    static final Duration REVOKE_WAIT = Duration.ofSeconds(20);

    private final WorkerConfig config;
    private final OrderRunner runner;
    private final Supplier<Consumer<String, byte[]>> consumerFactory;
    private final Supplier<Producer<String, WorkResult>> producerFactory;
    private final Deserializer<WorkOrder> orders = Topics.WORK_ORDER.deserializer();
    private final Clock clock;

    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    private final Map<String, ExecutorService> domainThreads = new ConcurrentHashMap<>();
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final long fenceAfterNanos;
    private final boolean fenceOff;
    private final Duration revokeWait;
    /** When the poll thread last came back from a poll: the worker's own sign that it is still in the group. */
    private volatile long lastPollNanos = System.nanoTime();
    /** While a revocation waits for its orders, their endings must not wake the poll it runs in. */
    private volatile boolean revoking;

    private Producer<String, WorkResult> producer;
    private Thread pollThread;
    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    private volatile boolean failed;
    /** The poll thread's consumer, for {@link #wakePollThread} only. */
    private volatile Consumer<String, byte[]> activeConsumer;

    /** Scores finished patches with the rubric shipped with patchbay. */
    public Worker(WorkerConfig config, Supplier<ExecutionContract> contract, Clock clock) {
        this(config, contract, PatchRunner.defaultRubric(), clock);
    }

    /**
     * @param rubric read for every finished patch, so a reloaded rubric scores the next one
     */
    public Worker(WorkerConfig config, Supplier<ExecutionContract> contract, Supplier<Rubric> rubric, Clock clock) {
        this(config, contract, rubric, clock, Bubblewrap.onSystemPath());
    }

    /**
     * @param bubblewrap the sandbox program commands and gates run in, the same one the start-up probe tried
     */
    public Worker(WorkerConfig config, Supplier<ExecutionContract> contract, Supplier<Rubric> rubric, Clock clock,
            Bubblewrap bubblewrap) {
        this(config, orders(new PatchRunner(config.home(), contract, rubric, clock, config.workerId(), bubblewrap,
                        config.recordLimits()),
                        new WorkspaceKeeper(config.home(), contract, clock), config.workerId()),
                () -> new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(),
                        new ByteArrayDeserializer()),
                () -> new KafkaProducer<>(producerProperties(config), Topics.KEY.serializer(),
                        Topics.WORK_RESULT.serializer()),
                clock);
    }

    /** Patches go to the patch runner, tasks on a working tree to the keeper; both hold the tree's lock. */
    static OrderRunner orders(PatchRunner patches, WorkspaceKeeper workspaces, String workerId) {
        return (order, progress, cancellation) -> order.forWorkspace()
                ? workspaces.run(order, cancellation, workerId)
                : patches.run(order, progress, cancellation);
    }

    Worker(WorkerConfig config, OrderRunner runner, Supplier<Consumer<String, byte[]>> consumerFactory,
            Supplier<Producer<String, WorkResult>> producerFactory, Clock clock) {
        this(config, runner, consumerFactory, producerFactory, clock, FENCE_AFTER, REVOKE_WAIT);
    }

    /**
     * @param fenceAfter how long the poll thread may go without a poll before running orders stop:
     *     less than the group's session timeout, so they stop before the group can give their
     *     partitions away
     * @param revokeWait how long a revocation waits for the partition's running orders to stop
     */
    Worker(WorkerConfig config, OrderRunner runner, Supplier<Consumer<String, byte[]>> consumerFactory,
            Supplier<Producer<String, WorkResult>> producerFactory, Clock clock, Duration fenceAfter,
            Duration revokeWait) {
        this.fenceOff = DomainLock.switchedOff();
        if (fenceOff) {
            log.warn("{}=off: workers are NOT fenced; two of them may run one domain at once", DomainLock.SWITCH);
        }
        this.fenceAfterNanos = fenceAfter.toNanos();
        this.revokeWait = revokeWait;
        this.config = Objects.requireNonNull(config, "config");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.consumerFactory = consumerFactory;
        this.producerFactory = producerFactory;
        this.clock = clock;
    }

    public static Properties consumerProperties(WorkerConfig config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // A static member keyed by the worker id: a worker restarted after a crash takes its
        // partitions back at once instead of waiting for its dead predecessor's session to expire.
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.workerId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        // Only partitions that really move are revoked: a member joining or leaving does not stop the
        // orders running on partitions that stay where they are.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                org.apache.kafka.clients.consumer.CooperativeStickyAssignor.class.getName());
        // The decider writes orders in transactions: an aborted order must never run.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Work orders carry the whole patch: one of the largest size must always be fetchable.
        p.putAll(config.recordLimits().consumerConfig());
        return p;
    }

    public static Properties producerProperties(WorkerConfig config) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.workerId() + "-results");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long ackMs = config.ackTimeout().toMillis();
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, ackMs));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, ackMs / 2));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackMs);
        p.putAll(config.recordLimits().producerConfig());
        return p;
    }

    public synchronized void start() {
        if (pollThread != null) {
            throw new IllegalStateException("the worker is already started");
        }
        producer = producerFactory.get();
        pollThread = new Thread(this::pollLoop, "patchbay-worker-poll");
        pollThread.start();
        log.info("worker {} started against {} in group {}", config.workerId(), config.bootstrapServers(),
                config.groupId());
    }

    /** True from start until close, unless the poll loop died. */
    public boolean isRunning() {
        Thread t = pollThread;
        return t != null && t.isAlive() && !stopping && !failed;
    }

    /**
     * Stops taking orders and lets running ones finish within the timeout; an order still running
     * then is interrupted (its tree rolled back) and, uncommitted, is redelivered later.
     */
    public void close(Duration timeout) {
        Thread t;
        synchronized (this) {
            t = pollThread;
            if (t == null || stopping) {
                return;
            }
            stopDeadlineNanos = System.nanoTime() + timeout.toNanos();
            stopping = true;
        }
        try {
            t.join(timeout.toMillis() + 10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        log.info("worker {} closed", config.workerId());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    // ---- the poll thread --------------------------------------------------------------------

    /** Partitions with more fetched-but-waiting orders than this are paused until they drain. */
    private static final int MAX_WAITING_PER_PARTITION = 100;

    /**
     * One partition's orders. Several domains may share a partition, and domains run in parallel,
     * so orders finish out of offset order: the partition's committed offset is the lowest offset
     * not yet finished, and a later order's success is committed only once every earlier one is.
     */
    private static final class Lane {
        final Map<String, Deque<ConsumerRecord<String, byte[]>>> waiting = new HashMap<>();
        final Map<String, InFlight> running = new HashMap<>();
        final TreeSet<Long> unfinished = new TreeSet<>();
        /** Orders (by {@link #key}) a cancel order came for before they started. */
        final Set<String> cancelBeforeStart = new HashSet<>();
        long nextAfterSeen = -1;
        long committed = -1;

        int waitingCount() {
            return waiting.values().stream().mapToInt(Deque::size).sum();
        }

        /** The offset that may be committed now: everything before it has finished. */
        long committable() {
            return unfinished.isEmpty() ? nextAfterSeen : unfinished.first();
        }
    }

    /** An order handed to a domain thread; compared by identity, so a stale one is recognised after a rebalance. */
    private static final class InFlight {
        final TopicPartition partition;
        final ConsumerRecord<String, byte[]> record;
        final String domain;
        final WorkOrder order;
        final Cancellation cancellation;
        /** Done once the run ended and its result, if any, was sent. */
        final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

        InFlight(TopicPartition partition, ConsumerRecord<String, byte[]> record, WorkOrder order,
                Supplier<String> staleness) {
            this.partition = partition;
            this.record = record;
            this.domain = order.domain();
            this.order = order;
            this.cancellation = new Cancellation(staleness);
        }

        long offset() {
            return record.offset();
        }
    }

    private record Completion(InFlight order, boolean acknowledged) {}

    private void pollLoop() {
        Consumer<String, byte[]> consumer = null;
        try {
            consumer = consumerFactory.get();
            activeConsumer = consumer;
            consumer.subscribe(List.of(Topics.WORK), new Rebalance());
            while (!stopping && !failed) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(config.pollTimeout());
                } catch (WakeupException e) {
                    // A domain thread finished an order: start the next one now, not at the end of the poll.
                    records = ConsumerRecords.empty();
                }
                polled();
                for (ConsumerRecord<String, byte[]> r : records) {
                    accept(consumer, r);
                }
                settle(consumer);
                startWaiting();
                pauseFull(consumer);
            }
            if (failed) {
                log.error("the worker's poll loop stopped; no more orders are taken");
            } else {
                drain(consumer);
            }
        } catch (RuntimeException e) {
            failed = true;
            log.error("the worker's poll loop failed; no more orders are taken", e);
        } finally {
            domainThreads.values().forEach(ExecutorService::shutdownNow);
            activeConsumer = null;
            if (consumer != null) {
                try {
                    // A static member that closes stays in the group until its session times out, and its
                    // partitions wait that long for another worker: a worker that stops on purpose leaves,
                    // as the decider does. A crashed one, restarted, still takes its partitions back at once.
                    consumer.close(CloseOptions.groupMembershipOperation(
                            CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    log.warn("closing the work consumer: {}", e.getMessage());
                }
            }
        }
    }

    private void accept(Consumer<String, byte[]> consumer, ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Lane lane = lanes.computeIfAbsent(tp, k -> new Lane());
        if (lane.committed < 0) {
            lane.committed = r.offset();
        }
        lane.nextAfterSeen = Math.max(lane.nextAfterSeen, r.offset() + 1);
        WorkOrder order = decode(r);
        if (order == null || order.isCancel()) {
            if (order != null) {
                cancel(lane, order);
            }
            commitFinished(consumer, tp, lane);
            return;
        }
        lane.unfinished.add(r.offset());
        lane.waiting.computeIfAbsent(order.domain(), d -> new ArrayDeque<>()).add(r);
    }

    /** On close: take nothing new, keep the membership, and commit what finishes before the deadline. */
    private void drain(Consumer<String, byte[]> consumer) {
        domainThreads.values().forEach(ExecutorService::shutdown);
        consumer.pause(consumer.assignment());
        while (lanes.values().stream().anyMatch(l -> !l.running.isEmpty()) && System.nanoTime() < stopDeadlineNanos) {
            try {
                consumer.poll(config.pollTimeout());
            } catch (WakeupException e) {
                // An order finished: settle it now.
            }
            polled();
            settle(consumer);
        }
    }

    /** Takes the finished orders in and commits each partition's offset once for all of them. */
    private void settle(Consumer<String, byte[]> consumer) {
        Map<TopicPartition, Lane> finished = new HashMap<>();
        Completion c;
        while ((c = completions.poll()) != null) {
            InFlight f = c.order();
            Lane lane = lanes.get(f.partition);
            if (lane == null || lane.running.get(f.domain) != f) {
                log.info("order at {}@{} ended after its partition moved; its new owner answers for it",
                        f.partition, f.offset());
                continue;
            }
            lane.running.remove(f.domain);
            if (c.acknowledged()) {
                lane.unfinished.remove(f.offset());
                finished.put(f.partition, lane);
            } else if (!stopping && !failed) {
                // The result did not reach Kafka: run the order again, which finds its commit if it landed.
                log.warn("result of order {}@{} not acknowledged; running it again", f.partition, f.offset());
                lane.waiting.computeIfAbsent(f.domain, d -> new ArrayDeque<>()).addFirst(f.record);
                if (f.cancellation.cancelled() && f.cancellation.fenced() == null) {
                    lane.cancelBeforeStart.add(key(f.order));
                }
            }
        }
        finished.forEach((tp, lane) -> commitFinished(consumer, tp, lane));
    }

    private void startWaiting() {
        if (failed) {
            return;
        }
        for (Map.Entry<TopicPartition, Lane> e : lanes.entrySet()) {
            Lane lane = e.getValue();
            for (Map.Entry<String, Deque<ConsumerRecord<String, byte[]>>> w : lane.waiting.entrySet()) {
                String domain = w.getKey();
                if (lane.running.containsKey(domain) || w.getValue().isEmpty()) {
                    continue;
                }
                ConsumerRecord<String, byte[]> r = w.getValue().poll();
                InFlight f = new InFlight(e.getKey(), r, decode(r), this::staleness);
                if (lane.cancelBeforeStart.remove(key(f.order))) {
                    f.cancellation.cancel();
                }
                lane.running.put(domain, f);
                domainThreads.computeIfAbsent(domain, Worker::domainThread).execute(() -> execute(f, f.order));
            }
        }
    }

    private WorkOrder decode(ConsumerRecord<String, byte[]> r) {
        try {
            WorkOrder o = r.value() == null ? null : orders.deserialize(r.topic(), r.value());
            if (o != null && o.domain() != null && o.patchId() != null && (o.patch() != null || o.isCancel())
                    && o.attempt() > 0) {
                return o;
            }
            if (o != null && o.domain() != null && o.forWorkspace() && o.workspace().action() != null) {
                return o;
            }
            log.error("skipping an unusable work order at {}-{}@{}", r.topic(), r.partition(), r.offset());
        } catch (RuntimeException ex) {
            log.error("skipping a work order that cannot be read at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    ex.getMessage());
        }
        return null;
    }

    /**
     * A cancel order follows its run order on the same partition, so the run order is running,
     * waiting, or finished (its result sent, and the decider will refuse the cancel from it).
     */
    private void cancel(Lane lane, WorkOrder cancel) {
        String key = key(cancel);
        InFlight running = lane.running.get(cancel.domain());
        if (running != null && key.equals(key(running.order))) {
            boolean stops = running.cancellation.cancel();
            log.info("cancel of patch {} attempt {}: {}", cancel.patchId(), cancel.attempt(),
                    stops ? "stopping it" : "too late, it is committing");
            return;
        }
        var waiting = lane.waiting.getOrDefault(cancel.domain(), new ArrayDeque<>());
        if (waiting.stream().map(this::decode).anyMatch(o -> o != null && key.equals(key(o)))) {
            // It still runs, briefly: it may have landed before a crash, and then it must say so.
            lane.cancelBeforeStart.add(key);
            log.info("cancel of patch {} attempt {}: it stops as soon as it starts", cancel.patchId(), cancel.attempt());
            return;
        }
        log.info("cancel of patch {} attempt {}: it is not running here; its result is already sent", cancel.patchId(),
                cancel.attempt());
    }

    private static String key(WorkOrder o) {
        return o.patchId() + "#" + o.attempt();
    }

    /** Bounds memory: a partition with a long backlog stops fetching until its orders drain. */
    private void pauseFull(Consumer<String, byte[]> consumer) {
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toPause = new HashSet<>();
        Set<TopicPartition> toResume = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            Lane lane = lanes.get(tp);
            boolean full = lane != null && lane.waitingCount() >= MAX_WAITING_PER_PARTITION;
            if (full && !paused.contains(tp)) {
                toPause.add(tp);
            } else if (!full && paused.contains(tp)) {
                toResume.add(tp);
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }

    private void commitFinished(Consumer<String, byte[]> consumer, TopicPartition tp, Lane lane) {
        long next = lane.committable();
        if (next <= lane.committed) {
            return;
        }
        try {
            try {
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
            } catch (WakeupException e) {
                // The wake-up was meant for the poll; it is spent now, so the commit goes through.
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
            }
            lane.committed = next;
        } catch (KafkaException e) {
            // The order is redelivered and then found applied: no harm beyond a second look.
            KafkaErrors.Kind kind = KafkaErrors.classify(e);
            if (kind == KafkaErrors.Kind.CLIENT_FATAL) {
                log.error("cannot commit {}@{} ({}): {}", tp, next, kind, e.getMessage());
            } else {
                log.warn("cannot commit {}@{} ({}): {}", tp, next, kind, e.getMessage());
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("worker {} now serves {}", config.workerId(), partitions);
        }

        /**
         * Stops the partitions' running orders and waits, up to {@link #revokeWait}, until they have:
         * the group gives the partitions away only when this returns, so their next owner does not
         * start while they still run here. An order that outlasts the wait is still fenced at its next
         * step, and the domain's {@link DomainLock} keeps its next owner waiting until then.
         */
        private void forget(Collection<TopicPartition> partitions) {
            if (fenceOff) {
                partitions.forEach(lanes::remove);
                return;
            }
            var moving = new ArrayList<InFlight>();
            for (TopicPartition tp : partitions) {
                Lane lane = lanes.remove(tp);
                if (lane == null) {
                    continue;
                }
                for (InFlight f : lane.running.values()) {
                    boolean stops = f.cancellation.fence("partition " + tp + " moved to another worker");
                    log.info("partition {} moved while order {} runs (@{}); {}", tp, describe(f.order), f.offset(),
                            stops ? "stopping it" : "it is committing, and finishes first");
                    moving.add(f);
                }
            }
            if (moving.isEmpty() || stopping) {
                // On close the orders are being interrupted already, and close has its own deadline.
                return;
            }
            revoking = true;
            long began = System.nanoTime();
            try {
                java.util.concurrent.CompletableFuture.allOf(moving.stream().map(f -> f.ended)
                        .toArray(java.util.concurrent.CompletableFuture[]::new))
                        .get(revokeWait.toMillis(), TimeUnit.MILLISECONDS);
                log.info("{} order(s) of the moved partitions stopped in {} ms", moving.size(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            } catch (TimeoutException e) {
                log.warn("orders of the moved partitions still run after {} s; they stop at their next step, and "
                        + "their domains' next owners wait for the working trees until then", revokeWait.toSeconds());
            } catch (ExecutionException e) {
                log.warn("waiting for the orders of the moved partitions: {}", e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                revoking = false;
            }
        }
    }

    /**
     * Called after every poll. A poll that comes back long after the one before means this process
     * was paused (SIGSTOP, a long GC pause) or starved: the group may have moved its partitions in
     * the meantime, so every running order stops before its next step; the ones whose partitions
     * stayed are run again.
     */
    private void polled() {
        long now = System.nanoTime();
        long gap = now - lastPollNanos;
        if (gap > fenceAfterNanos && !fenceOff) {
            String why = noPollFor(gap);
            lanes.values().forEach(l -> l.running.values().forEach(f -> {
                if (f.cancellation.fence(why)) {
                    log.warn("order {} stops: {}", describe(f.order), why);
                }
            }));
        }
        lastPollNanos = now;
    }

    /**
     * Asked by a running order before each step: a domain thread that wakes from a pause before the
     * poll thread does sees the same gap here, and stops before it changes anything.
     */
    private String staleness() {
        long gap = System.nanoTime() - lastPollNanos;
        return gap <= fenceAfterNanos || fenceOff ? null : noPollFor(gap);
    }

    private static String noPollFor(long nanos) {
        return String.format(java.util.Locale.ROOT, "this worker went %.1f s without a poll (paused, starved or cut "
                + "off from the broker), so the group may have moved its partitions", nanos / 1e9);
    }

    // ---- the domain threads -----------------------------------------------------------------

    private static ExecutorService domainThread(String domain) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "patchbay-worker-" + domain);
            t.setDaemon(true);
            return t;
        });
    }

    private void execute(InFlight f, WorkOrder order) {
        if (order.patchId() != null) {
            MDC.put("patchId", order.patchId());
        }
        boolean acknowledged = false;
        try {
            WorkResult terminal;
            try {
                terminal = runner.run(order, this::sendProgress, f.cancellation);
            } catch (InterruptedException | Fenced e) {
                throw e;
            } catch (Throwable e) {
                // Whatever one order throws, even an error such as a stack overflow or a failed huge
                // allocation, ends that order; the next one runs. Left uncaught it would be redelivered
                // and throw again, for ever.
                log.error("order {} crashed the runner", describe(order), e);
                terminal = order.forWorkspace() ? WorkspaceKeeper.unanswerable(order, asException(e), clock)
                        : new WorkResult.Failed(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                                FailureClass.ofUnexpected(e, false), "the worker crashed: " + e, null, List.of(), null,
                                null, 0);
            }
            try {
                producer.send(new ProducerRecord<>(Topics.RESULTS, order.domain(), terminal))
                        .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (KafkaErrors.classify(e) != KafkaErrors.Kind.RECORD) {
                    throw e;
                }
                // Kafka will never take this record: send the same outcome without its texts instead.
                log.warn("the result of order {} is too large for a record ({}); sending it without its texts",
                        describe(order), e.getCause() == null ? e : e.getCause().toString());
                producer.send(new ProducerRecord<>(Topics.RESULTS, order.domain(), ResultSlimmer.slim(terminal)))
                        .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
            acknowledged = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("order {} stopped by shutdown; it will be redelivered", describe(order));
        } catch (Fenced e) {
            log.warn("order {} stopped and not reported: {}; the owner of its partition runs it", describe(order),
                    e.getMessage());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            KafkaErrors.Kind kind = KafkaErrors.classify(e);
            log.error("the result of order {} was not acknowledged ({})", describe(order), kind, e);
            if (!kind.retriable()) {
                // Running the order again would only fail the same way, for ever: a producer that can send
                // nothing more, or a result Kafka never takes. Stop taking orders; the order stays
                // uncommitted, so it is redelivered once the worker is restarted or another one takes over.
                failed = true;
                log.error("the worker stops: its results cannot reach Kafka ({}); restart it once that is fixed",
                        e.toString());
            }
        } finally {
            completions.add(new Completion(f, acknowledged));
            f.ended.complete(null);
            if (!revoking) {
                wakePollThread();
            }
            MDC.remove("patchId");
        }
    }

    /** The only consumer call that is safe from another thread. */
    private void wakePollThread() {
        Consumer<String, byte[]> c = activeConsumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private static RuntimeException asException(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException(t.toString(), t);
    }

    private static String describe(WorkOrder order) {
        return order.forWorkspace()
                ? order.workspace().action() + " " + order.workspace().check() + " of domain " + order.domain()
                : "of patch " + order.patchId() + " attempt " + order.attempt();
    }

    private void sendProgress(WorkResult r) {
        producer.send(new ProducerRecord<>(Topics.RESULTS, r.domain(), r), (meta, e) -> {
            if (e != null) {
                // Progress is informative: the terminal result still decides the order.
                log.warn("progress {} of patch {} not sent ({}): {}", r.getClass().getSimpleName(), r.patchId(),
                        KafkaErrors.classify(e), e.getMessage());
            }
        });
    }
}
