package io.patchbay.watchdog;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog service: runs {@link WatchdogTopology} on Kafka Streams and answers {@link Views}
 * from its stores by interactive queries. While the stores are not being served (not started,
 * rebalancing, restoring, closed) queries answer empty rather than throw; {@link #ready()} says
 * which it is.
 */
public final class Watchdog implements Views, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    private static final Duration DEFAULT_CLOSE = Duration.ofSeconds(10);

    private final WatchdogConfig config;
    private final Clock clock;
    private final Supplier<ExecutionContract> contract;
    private final ViewQueries queries;
    private volatile KafkaStreams streams;

    /** Views only, without SLA alerts. */
    public Watchdog(WatchdogConfig config) {
        this(config, Clock.systemUTC(), null);
    }

    /**
     * Views plus SLA alerts on {@code patchbay.alerts} when {@code contract} is not null; the
     * supplier is asked at every check, so a reloaded contract takes effect without a restart.
     */
    public Watchdog(WatchdogConfig config, Clock clock, Supplier<ExecutionContract> contract) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.contract = contract;
        this.queries = new ViewQueries(this::store);
    }

    public synchronized void start() {
        if (streams != null) {
            return;
        }
        var s = new KafkaStreams(WatchdogTopology.build(clock, contract, WatchdogTopology.DEFAULT_CHECK_EVERY),
                streamsProperties(config));
        s.setStateListener((now, before) -> log.info("watchdog streams {} -> {}", before, now));
        s.setUncaughtExceptionHandler(e -> {
            // The views would silently stop moving; better to stop and let health report the watchdog down.
            log.error("the watchdog's stream thread failed; stopping the watchdog", e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams = s;
        s.start();
        log.info("watchdog started as {} on {}", config.applicationId(), config.bootstrapServers());
    }

    public synchronized void close(Duration timeout) {
        KafkaStreams s = streams;
        if (s == null) {
            return;
        }
        // Leave the group, so that the next start rebalances at once instead of waiting out the session timeout.
        if (!s.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(timeout))) {
            log.warn("the watchdog did not close within {}", timeout);
        }
    }

    @Override
    public void close() {
        close(DEFAULT_CLOSE);
    }

    /** True while Streams runs or rebalances: the service is alive, though its views may be restoring. */
    public boolean isRunning() {
        KafkaStreams s = streams;
        return s != null && s.state().isRunningOrRebalancing();
    }

    /** True when the views are being served. */
    @Override
    public boolean ready() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING;
    }

    /** The Streams instance once started, for binding its metrics; empty before {@link #start()}. */
    public Optional<KafkaStreams> streams() {
        return Optional.ofNullable(streams);
    }

    /** The Streams state, {@code CREATED} before {@link #start()}. */
    public KafkaStreams.State state() {
        KafkaStreams s = streams;
        return s == null ? KafkaStreams.State.CREATED : s.state();
    }

    @Override
    public Optional<PatchView> patch(String id) {
        return query("patch " + id, () -> queries.patch(id), Optional.empty());
    }

    @Override
    public List<DomainView> domains() {
        return query("domains", queries::domains, List.of());
    }

    @Override
    public List<PatchView> patches(String domain, PatchStatus status, int limit) {
        return query("patches of " + domain, () -> queries.patches(domain, status, limit), List.of());
    }

    @Override
    public Optional<Freeze> freeze(String domain) {
        return query("freeze of " + domain, () -> queries.freeze(domain), Optional.empty());
    }

    @Override
    public Outcomes outcomes(String domain, Instant since, Instant until) {
        return query("outcomes of " + domain, () -> queries.outcomes(domain, since, until), Outcomes.none(since, until));
    }

    @Override
    public List<Alert> alerts(String domain, Instant since, int limit) {
        return query("alerts of " + domain, () -> queries.alerts(domain, since, limit), List.of());
    }

    @Override
    public List<Alert> openBreaches(String domain) {
        return query("open breaches of " + domain, () -> queries.openBreaches(domain), List.of());
    }

    @Override
    public List<PatchView> quarantine(String domain, int limit) {
        return query("quarantine of " + domain, () -> queries.quarantine(domain, limit), List.of());
    }

    /** Answers {@code fallback} while the stores are not served, rather than throw at the reader. */
    private <T> T query(String what, Supplier<T> query, T fallback) {
        if (!ready()) {
            return fallback;
        }
        try {
            return query.get();
        } catch (InvalidStateStoreException e) {
            log.debug("{} asked while the views move: {}", what, e.getMessage());
            return fallback;
        }
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        KafkaStreams s = streams;
        if (s == null) {
            throw new InvalidStateStoreException("the watchdog has not started");
        }
        return s.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    static Properties streamsProperties(WatchdogConfig config) {
        var p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        // Exactly-once: the decider writes events in transactions, so the watchdog must read committed ones
        // only; and the six stores must move together with the input offset, or a crash between two store
        // writes would leave the counters off by one for good.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        if (config.instanceId() != null && !config.instanceId().isBlank()) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId());
        }
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A record that is not an event cannot be folded; skipping it (logged) beats stopping every view.
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.putAll(config.recordLimits().streamsConfig());
        return p;
    }
}
