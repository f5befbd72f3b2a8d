package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patchbay.contracts.topic.TransactionJanitor;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.executor.decider.DeciderConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A transaction left hanging on {@code patchbay.commands}, as a crash of the process with its broker
 * can leave one: open on the partition, unknown to its coordinator. Every read_committed reader
 * stops at it, so the decider never sees a patch submitted after it, until the janitor aborts it.
 */
class HangingTransactionIT {

    private static final String DOMAIN = "main";
    private static final int PARTITIONS = 3;
    private static final String HANGING_ID = "hanging-test-producer";
    /** Long enough to take a patch and see it stuck while the transaction still hangs. */
    private static final Duration GRACE = Duration.ofSeconds(20);

    @TempDir
    Path home;

    private EmbeddedKafka kafka;
    private Patchbay patchbay;
    private ListAppender<ILoggingEvent> janitorLog;

    @AfterEach
    void stop() {
        if (janitorLog != null) {
            ((Logger) LoggerFactory.getLogger(TransactionJanitor.class)).detachAppender(janitorLog);
        }
        if (patchbay != null) {
            patchbay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void patchBlockedBehindAHangingTransactionSucceedsOnceTheJanitorAbortsIt() throws Exception {
        // A broker as an older patchbay ran it: transaction.version 1, where the producer adds each
        // partition to its transaction itself; without the leader's check with the coordinator, a write
        // to a partition the coordinator never heard of is taken.
        Path log = home.resolve("kafka");
        EmbeddedKafka.format(log, (short) 1);
        Properties unverified = new Properties();
        unverified.put("transaction.partition.verification.enable", "false");
        kafka = EmbeddedKafka.start(log, 0, unverified, false);
        TopicSetup.ensure(kafka.bootstrapServers(), PARTITIONS, (short) 1);
        TopicPartition commands = new TopicPartition(Topics.COMMANDS,
                Utils.toPositive(Utils.murmur2(DOMAIN.getBytes(StandardCharsets.UTF_8))) % PARTITIONS);
        String bootstrap = kafka.bootstrapServers();

        // patchbay runs first, so the grace counts from the hang, not from a start that a loaded machine makes slow.
        janitorLog = new ListAppender<>();
        janitorLog.start();
        ((Logger) LoggerFactory.getLogger(TransactionJanitor.class)).addAppender(janitorLog);
        patchbay = Patchbay.start(new PatchbayConfig(home, "127.0.0.1", 0, 0, bootstrap, null, PARTITIONS, (short) 1),
                Map.of(TransactionJanitor.GRACE_ENV, GRACE.toSeconds() + "s", TransactionJanitor.INTERVAL_ENV, "1s",
                        StallBounds.ENV, "3s"));
        PatchbayClient client = PatchbayClient.whenReady(patchbay);

        long hangingOffset = writeWithoutTellingTheCoordinator(bootstrap, commands);
        ProducerState holder = await().atMost(Duration.ofSeconds(20))
                .until(() -> openTransactionOn(bootstrap, commands), Optional::isPresent).orElseThrow();
        assertThat(holder.currentTransactionStartOffset()).hasValue(hangingOffset);
        try (Admin admin = admin(bootstrap)) {
            TransactionDescription coordinator = admin.describeTransactions(List.of(HANGING_ID)).description(HANGING_ID).get();
            assertThat(coordinator.producerId()).isEqualTo(holder.producerId());
            assertThat(coordinator.state()).as("the coordinator ended or never began a transaction")
                    .isIn(TransactionState.EMPTY, TransactionState.COMPLETE_ABORT);
            assertThat(coordinator.topicPartitions()).doesNotContain(commands);
        }
        assertThat(lastStableOffset(bootstrap, commands)).as("read_committed readers stop at the hanging transaction")
                .isEqualTo(hangingOffset);

        String id = client.submit("application/json", "{\"domain\":\"" + DOMAIN + "\",\"title\":\"Behind a hanging"
                + " transaction\",\"files\":[{\"path\":\"after-the-hang.txt\",\"content\":\"x\"}]}", null)
                .json().path("id").asText();
        assertThat(openTransactionOn(bootstrap, commands))
                .as("the patch went in while the transaction hung (else the machine was too slow for the grace)")
                .isPresent();

        // Each time the transaction hung before and after the patch's status was read, the patch was stuck.
        AtomicLong firstStuck = new AtomicLong();
        AtomicLong lastStuck = new AtomicLong();
        List<String> unhealthyWhileStuck = new java.util.concurrent.CopyOnWriteArrayList<>();
        await().atMost(GRACE.plusSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
            boolean hungBefore = openTransactionOn(bootstrap, commands).isPresent();
            String status = client.status(id);
            boolean hungAfter = openTransactionOn(bootstrap, commands).isPresent();
            if (hungBefore && hungAfter) {
                assertThat(status).as("a patch behind a hanging transaction").isNotEqualTo("Succeeded");
                PatchbayClient.Reply health = client.get("/health");
                if (health.status() == 503 && client.get("/health/ready").status() == 503) {
                    unhealthyWhileStuck.add(health.body());
                }
                firstStuck.compareAndSet(0, System.nanoTime());
                lastStuck.set(System.nanoTime());
            }
            return !hungAfter;
        });
        assertThat(Duration.ofNanos(lastStuck.get() - firstStuck.get())).as("how long the patch was seen stuck")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));

        // Health told the truth while nothing could move: unhealthy and not ready, naming the partition.
        assertThat(unhealthyWhileStuck).as("/health while the patch was stuck").isNotEmpty()
                .anySatisfy(body -> assertThat(body).contains(commands.toString()));

        await().atMost(Duration.ofSeconds(30)).until(() -> client.status(id), "Succeeded"::equals);
        assertThat(lastStableOffset(bootstrap, commands)).isGreaterThan(hangingOffset);
        await().atMost(Duration.ofSeconds(30)).until(() -> client.get("/health/ready").status() == 200
                && client.get("/health").status() == 200);
        String found = "hanging transaction: " + commands + " is held by producer id " + holder.producerId() + " epoch "
                + holder.producerEpoch() + ", open since offset " + hangingOffset;
        assertThat(janitorLog.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains(found).contains("'" + HANGING_ID + "'");
        });
        assertThat(janitorLog.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .startsWith("aborted the hanging transaction of producer id " + holder.producerId()).contains(commands.toString()));
        assertThat(patchbay.transactionJanitor().problem()).isEmpty();

        // What else it watches: the decider's changelogs and the offsets of patchbay's groups.
        TransactionJanitor.Scan scan = patchbay.transactionJanitor().scan();
        assertThat(scan.described()).contains(commands, new TopicPartition("__consumer_offsets",
                Utils.abs(DeciderConfig.DEFAULT_APPLICATION_ID.hashCode()) % 3));
        assertThat(scan.described()).anySatisfy(tp -> assertThat(tp.topic()).startsWith("patchbay-decider-").endsWith("-changelog"));
        assertThat(scan.aborted()).isEmpty();
    }

    /**
     * Writes one record in a transaction to {@code partition} without AddPartitionsToTxn, so its
     * coordinator never learns of the partition, then drops the producer: the partition holds the
     * transaction open and no coordinator will end it. Returns the record's offset.
     */
    private static long writeWithoutTellingTheCoordinator(String bootstrap, TopicPartition partition) throws Exception {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, HANGING_ID), new StringSerializer(), new StringSerializer());
        try {
            producer.initTransactions();
            producer.beginTransaction();
            markAdded(producer, partition);
            return producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), DOMAIN, "never ended"))
                    .get().offset();
        } finally {
            // No commit and no abort: gone as a killed process is.
            producer.close(Duration.ZERO);
        }
    }

    /** Makes the producer's transaction manager believe the coordinator already has {@code partition}. */
    @SuppressWarnings("unchecked")
    private static void markAdded(KafkaProducer<?, ?> producer, TopicPartition partition) throws Exception {
        Object manager = field(KafkaProducer.class, "transactionManager").get(producer);
        Class<?> type = manager.getClass();
        assertThat(field(type, "isTransactionV2Enabled").getBoolean(manager))
                .as("at transaction.version 2 the producer adds no partition itself").isFalse();
        Object partitions = field(type, "txnPartitionMap").get(manager);
        Method getOrCreate = partitions.getClass().getDeclaredMethod("getOrCreate", TopicPartition.class);
        getOrCreate.setAccessible(true);
        getOrCreate.invoke(partitions, partition);
        ((Set<TopicPartition>) field(type, "partitionsInTransaction").get(manager)).add(partition);
        field(type, "transactionStarted").setBoolean(manager, true);
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** The hanging producer's open transaction on {@code partition}, if it is still open. */
    private static Optional<ProducerState> openTransactionOn(String bootstrap, TopicPartition partition) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return admin.describeProducers(List.of(partition)).partitionResult(partition).get().activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent())
                    .findFirst();
        }
    }

    /** How far a read_committed reader of {@code partition} can read. */
    private static long lastStableOffset(String bootstrap, TopicPartition partition) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }
}
