package io.patchbay.executor.decider;

import io.patchbay.contracts.policy.ExecutionContract;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import io.patchbay.contracts.topic.RecordLimits;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The decider service: {@link DeciderTopology} on Kafka Streams with exactly-once processing. */
public final class Decider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Decider.class);

    private final DeciderConfig config;
    private final Supplier<ExecutionContract> contract;
    private final Clock clock;
    private KafkaStreams streams;

    public Decider(DeciderConfig config, Supplier<ExecutionContract> contract, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The Streams settings the decider runs with; public so that tests and tools see the same. */
    public static Properties streamsProperties(DeciderConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Under EOS a reader sees output only at commit, and a patch crosses the decider twice (its order,
        // then its outcome): a short interval keeps each hop quick. Under load a commit covers many records.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
        // Transactional stores (KIP-892) keep their changelog offsets with their data, committed with the
        // Kafka transaction: after a crash the stores resume from their last commit instead of being wiped
        // and restored from the whole changelog, so a killed instance is back in seconds.
        p.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        if (config.replicationFactor() > 1) {
            // Changelogs and repartition topics as durable as patchbay's own topics: on a cluster a write
            // waits for all replicas but one, whatever the brokers' default is.
            p.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                    String.valueOf(config.replicationFactor() - 1));
        }
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        if (config.instanceId() != null && !config.instanceId().isBlank()) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
        }
        // Submitted events, the patch store's changelog and work orders carry the whole patch.
        p.putAll(config.recordLimits().streamsConfig());
        // A record nobody can read is logged and skipped; it must not stop its domain's partition.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipOversizeRecords.class);
        return p;
    }

    public synchronized void start() {
        if (streams != null) {
            throw new IllegalStateException("the decider is already started");
        }
        streams = new KafkaStreams(DeciderTopology.build(contract, clock, config.sandbox(), config.recordLimits(),
                config.dispatchWindow()),
                streamsProperties(config));
        streams.setUncaughtExceptionHandler(e -> {
            // Replacing the thread would replay the same input into the same failure; stop and let health see it.
            log.error("decider stream thread failed; stopping the decider", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((next, previous) -> log.info("decider {} -> {}", previous, next));
        streams.start();
        log.info("decider {} started against {}", config.applicationId(), config.bootstrapServers());
    }

    /** True from start until close or a fatal error; rebalancing counts as running. */
    public synchronized boolean isRunning() {
        return streams != null && streams.state().isRunningOrRebalancing();
    }

    /** The underlying Streams instance, for state queries and metrics; null before start. */
    public synchronized KafkaStreams streams() {
        return streams;
    }

    public synchronized void close(Duration timeout) {
        if (streams != null) {
            // Leave the group, so that the next start rebalances at once instead of waiting out the session timeout.
            streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(timeout));
            log.info("decider {} closed", config.applicationId());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
