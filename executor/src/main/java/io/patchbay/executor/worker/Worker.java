package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The worker service: consumes {@link Topics#WORK}, runs each order on a single thread of its
 * domain, reports on {@link Topics#RESULTS}, and commits an order's offset only once its terminal
 * result is acknowledged by Kafka. A partition is paused while its order runs and polling goes
 * on, so a long gate never costs the group membership.
 *
 * <p>Orders of one partition run one after another: an offset commit covers everything before
 * it, so a later order may not be committed while an earlier one still runs.
 */
public final class Worker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerConfig config;
    private final OrderRunner runner;
    private final Supplier<Consumer<String, byte[]>> consumerFactory;
    private final Supplier<Producer<String, WorkResult>> producerFactory;
    private final Deserializer<WorkOrder> orders = Topics.WORK_ORDER.deserializer();
    private final Clock clock;

    private final Map<TopicPartition, Lane> lanes = new HashMap<>();
    private final Map<String, ExecutorService> domainThreads = new ConcurrentHashMap<>();
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

    private Producer<String, WorkResult> producer;
    private Thread pollThread;
    private volatile boolean stopping;
    private volatile long stopDeadlineNanos;
    private volatile boolean failed;

    public Worker(WorkerConfig config, Supplier<ExecutionContract> contract, Clock clock) {
        this(config, new PatchRunner(config.home(), contract, clock, config.workerId())::run,
                () -> new KafkaConsumer<>(consumerProperties(config), new StringDeserializer(),
                        new ByteArrayDeserializer()),
                () -> new KafkaProducer<>(producerProperties(config), Topics.KEY.serializer(),
                        Topics.WORK_RESULT.serializer()),
                clock);
    }

    Worker(WorkerConfig config, OrderRunner runner, Supplier<Consumer<String, byte[]>> consumerFactory,
            Supplier<Producer<String, WorkResult>> producerFactory, Clock clock) {
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
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId());
        // The decider writes orders in transactions: an aborted order must never run.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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

    /** One partition's orders: at most one running, the rest fetched and waiting. */
    private static final class Lane {
        final Deque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();
        InFlight running;

        boolean busy() {
            return running != null || !waiting.isEmpty();
        }
    }

    /** An order handed to a domain thread; compared by identity, so a stale one is recognised after a rebalance. */
    private static final class InFlight {
        final TopicPartition partition;
        final long offset;

        InFlight(TopicPartition partition, long offset) {
            this.partition = partition;
            this.offset = offset;
        }
    }

    private record Completion(InFlight order, boolean acknowledged) {}

    private void pollLoop() {
        Consumer<String, byte[]> consumer = null;
        try {
            consumer = consumerFactory.get();
            consumer.subscribe(List.of(Topics.WORK), new Rebalance());
            while (!stopping) {
                ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
                for (ConsumerRecord<String, byte[]> r : records) {
                    lanes.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new Lane()).waiting.add(r);
                }
                settle(consumer);
                startWaiting(consumer);
                pauseBusy(consumer);
            }
            drain(consumer);
        } catch (RuntimeException e) {
            failed = true;
            log.error("the worker's poll loop failed; no more orders are taken", e);
        } finally {
            domainThreads.values().forEach(ExecutorService::shutdownNow);
            if (consumer != null) {
                try {
                    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    log.warn("closing the work consumer: {}", e.getMessage());
                }
            }
        }
    }

    /** On close: take nothing new, keep the membership, and commit what finishes before the deadline. */
    private void drain(Consumer<String, byte[]> consumer) {
        domainThreads.values().forEach(ExecutorService::shutdown);
        consumer.pause(consumer.assignment());
        while (lanes.values().stream().anyMatch(l -> l.running != null) && System.nanoTime() < stopDeadlineNanos) {
            consumer.poll(config.pollTimeout());
            settle(consumer);
        }
    }

    private void settle(Consumer<String, byte[]> consumer) {
        Completion c;
        while ((c = completions.poll()) != null) {
            TopicPartition tp = c.order().partition;
            Lane lane = lanes.get(tp);
            if (lane == null || lane.running != c.order()) {
                log.info("order at {}@{} finished after its partition moved; the new owner sees it as applied", tp,
                        c.order().offset);
                continue;
            }
            lane.running = null;
            if (c.acknowledged()) {
                commit(consumer, tp, c.order().offset + 1);
            } else if (!stopping) {
                // The result did not reach Kafka: run the order again, which finds its commit if it landed.
                log.warn("result of order {}@{} not acknowledged; running it again", tp, c.order().offset);
                lane.waiting.clear();
                consumer.seek(tp, c.order().offset);
            }
        }
    }

    private void startWaiting(Consumer<String, byte[]> consumer) {
        for (Map.Entry<TopicPartition, Lane> e : lanes.entrySet()) {
            Lane lane = e.getValue();
            while (lane.running == null && !lane.waiting.isEmpty()) {
                ConsumerRecord<String, byte[]> r = lane.waiting.poll();
                WorkOrder order = decode(r);
                if (order == null) {
                    commit(consumer, e.getKey(), r.offset() + 1);
                    continue;
                }
                InFlight f = new InFlight(e.getKey(), r.offset());
                lane.running = f;
                domainThreads.computeIfAbsent(order.domain(), Worker::domainThread).execute(() -> execute(f, order));
            }
        }
    }

    private WorkOrder decode(ConsumerRecord<String, byte[]> r) {
        try {
            WorkOrder o = r.value() == null ? null : orders.deserialize(r.topic(), r.value());
            if (o != null && o.domain() != null && o.patchId() != null && o.patch() != null && o.attempt() > 0) {
                return o;
            }
            log.error("skipping an unusable work order at {}-{}@{}", r.topic(), r.partition(), r.offset());
        } catch (RuntimeException ex) {
            log.error("skipping a work order that cannot be read at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    ex.getMessage());
        }
        return null;
    }

    private void pauseBusy(Consumer<String, byte[]> consumer) {
        Set<TopicPartition> paused = consumer.paused();
        Set<TopicPartition> toPause = new HashSet<>();
        Set<TopicPartition> toResume = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) {
            Lane lane = lanes.get(tp);
            boolean busy = lane != null && lane.busy();
            if (busy && !paused.contains(tp)) {
                toPause.add(tp);
            } else if (!busy && paused.contains(tp)) {
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

    private void commit(Consumer<String, byte[]> consumer, TopicPartition tp, long next) {
        try {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(next)));
        } catch (KafkaException e) {
            // The order is redelivered and then found applied: no harm beyond a second look.
            log.warn("cannot commit {}@{}: {}", tp, next, e.getMessage());
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

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                Lane lane = lanes.remove(tp);
                if (lane != null && lane.running != null) {
                    log.info("partition {} moved while order @{} runs; it finishes here uncommitted", tp,
                            lane.running.offset);
                }
            }
        }
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
        MDC.put("patchId", order.patchId());
        boolean acknowledged = false;
        try {
            WorkResult terminal;
            try {
                terminal = runner.run(order, this::sendProgress);
            } catch (RuntimeException e) {
                log.error("order of patch {} attempt {} crashed the runner", order.patchId(), order.attempt(), e);
                terminal = new WorkResult.Failed(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                        FailureClass.INFRASTRUCTURE, "the worker crashed: " + e, null, List.of(), null, null, 0);
            }
            producer.send(new ProducerRecord<>(Topics.RESULTS, order.domain(), terminal))
                    .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            acknowledged = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("order of patch {} attempt {} stopped by shutdown; it will be redelivered", order.patchId(),
                    order.attempt());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.error("the result of patch {} attempt {} was not acknowledged", order.patchId(), order.attempt(), e);
        } finally {
            completions.add(new Completion(f, acknowledged));
            MDC.remove("patchId");
        }
    }

    private void sendProgress(WorkResult r) {
        producer.send(new ProducerRecord<>(Topics.RESULTS, r.domain(), r), (meta, e) -> {
            if (e != null) {
                // Progress is informative: the terminal result still decides the order.
                log.warn("progress {} of patch {} not sent: {}", r.getClass().getSimpleName(), r.patchId(),
                        e.getMessage());
            }
        });
    }
}
