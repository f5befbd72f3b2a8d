package io.patchbay.ingest;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.topic.KafkaErrors;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes commands to {@link Topics#COMMANDS}, keyed by domain so that one domain's commands
 * stay in one partition and in submission order. {@link #publish} waits for the broker's
 * acknowledgement: a submission is only ever reported as taken once Kafka has it.
 */
public final class KafkaCommandPublisher implements CommandPublisher {

    private static final Logger log = LoggerFactory.getLogger(KafkaCommandPublisher.class);

    /** Bounds on how long a dead or unreachable broker can keep a caller waiting. */
    static final Duration MAX_BLOCK = Duration.ofSeconds(5);
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);
    /** Slightly above the delivery timeout, so the producer's own, more precise error wins the race. */
    static final Duration DEFAULT_ACK_TIMEOUT = DELIVERY_TIMEOUT.plusSeconds(2);

    private final Producer<String, Command> producer;
    private final Duration ackTimeout;
    private final RecordLimits limits;
    private final Serializer<Command> measure = Topics.COMMAND.serializer();

    /** An idempotent {@code acks=all} producer on the given cluster. */
    public KafkaCommandPublisher(String bootstrapServers) {
        this(bootstrapServers, RecordLimits.DEFAULT);
    }

    /** An idempotent {@code acks=all} producer on the given cluster, sending commands no larger than {@code limits} allow. */
    public KafkaCommandPublisher(String bootstrapServers, RecordLimits limits) {
        this(new KafkaProducer<>(producerConfig(bootstrapServers, limits), Topics.KEY.serializer(),
                Topics.COMMAND.serializer()), DEFAULT_ACK_TIMEOUT, limits);
    }

    /** Over any producer, e.g. Kafka's {@code MockProducer}; the caller configures its acknowledgements. */
    public KafkaCommandPublisher(Producer<String, Command> producer) {
        this(producer, DEFAULT_ACK_TIMEOUT);
    }

    public KafkaCommandPublisher(Producer<String, Command> producer, Duration ackTimeout) {
        this(producer, ackTimeout, RecordLimits.DEFAULT);
    }

    public KafkaCommandPublisher(Producer<String, Command> producer, Duration ackTimeout, RecordLimits limits) {
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("the acknowledgement timeout must be positive, not " + ackTimeout);
        }
        this.producer = producer;
        this.ackTimeout = ackTimeout;
        this.limits = limits;
    }

    static Map<String, Object> producerConfig(String bootstrapServers) {
        return producerConfig(bootstrapServers, RecordLimits.DEFAULT);
    }

    static Map<String, Object> producerConfig(String bootstrapServers, RecordLimits limits) {
        var config = new java.util.HashMap<String, Object>(limits.producerConfig());
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "patchbay-ingest",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // Waited for one at a time, or (the spool's backlog) many in flight, which batch by themselves.
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) REQUEST_TIMEOUT.toMillis(),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY_TIMEOUT.toMillis()));
        return Map.copyOf(config);
    }

    /**
     * Sends the command and waits for the acknowledgement. A command larger than
     * {@link RecordLimits#maxCommandBytes()} is refused before it is sent, for good: the decider's
     * records carry the same patch and a little more, and must fit under the record limit too.
     */
    @Override
    public void publish(Command command) throws PublishException {
        try {
            send(command).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PublishException p) {
                throw p;
            }
            throw failure(command, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Kafka did not acknowledge patch " + command.patchId() + " within "
                    + ackTimeout.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while waiting for Kafka to acknowledge patch "
                    + command.patchId(), true, e);
        }
    }

    /**
     * Sends the command; the result completes on the producer's acknowledgement. The idempotent
     * producer keeps the order of one thread's sends within a partition, retries included. The size
     * check of {@link #publish} applies.
     */
    @Override
    public CompletableFuture<Void> send(Command command) {
        int size;
        try {
            byte[] bytes = measure.serialize(Topics.COMMANDS, command);
            size = bytes == null ? 0 : bytes.length;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(failure(command, e));
        }
        if (size > limits.maxCommandBytes()) {
            return CompletableFuture.failedFuture(new PublishException("patch " + command.patchId() + " is " + size
                    + " bytes as a command, over the " + limits.maxCommandBytes() + " bytes patchbay carries ("
                    + RecordLimits.ENV + "=" + limits.maxRecordBytes() + "); split it into smaller patches", false,
                    new RecordTooLargeException("command of " + size + " bytes")));
        }
        var record = new ProducerRecord<>(Topics.COMMANDS, command.domain(), command);
        var acked = new CompletableFuture<Void>();
        try {
            producer.send(record, (m, e) -> {
                if (e != null) {
                    acked.completeExceptionally(failure(command, e));
                    return;
                }
                log.debug("{} for patch {} acknowledged at {}-{}@{}", command.getClass().getSimpleName(),
                        command.patchId(), m.topic(), m.partition(), m.offset());
                acked.complete(null);
            });
        } catch (RuntimeException e) {
            // Serialisation problems, a closed producer and (with some clients) metadata timeouts surface here.
            return CompletableFuture.failedFuture(failure(command, e));
        }
        return acked;
    }

    private static PublishException failure(Command command, Throwable cause) {
        KafkaErrors.Kind kind = KafkaErrors.classify(cause);
        if (kind == KafkaErrors.Kind.CLIENT_FATAL) {
            // Not the command's fault: it may be taken once the producer or the broker's ACLs are fixed.
            log.error("the command producer can send no more ({}); ingest needs a restart or a configuration fix",
                    cause.toString());
        }
        boolean retriable = !kind.recordsFault();
        return new PublishException("Kafka did not take patch " + command.patchId() + ": "
                + cause.getClass().getSimpleName() + ": " + cause.getMessage(), retriable, cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
