package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * which it is. An instance that advertises its address answers for the whole cluster
 * ({@link ClusterViews}): what another instance holds is asked of it over {@link #PEER_PATH}, and
 * a query that cannot be answered whole throws {@link ViewsUnavailable}.
 */
public final class Watchdog implements Views, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    private static final Duration DEFAULT_CLOSE = Duration.ofSeconds(10);

    private final WatchdogConfig config;
    private final Clock clock;
    private final Supplier<ExecutionContract> contract;
    private final ViewQueries queries;
    private volatile KafkaStreams streams;
    /** The views of every instance; null while not started or when this instance advertises no address. */
    private volatile ClusterViews cluster;

    /** The route on which an instance answers other instances' queries from its own stores. */
    public static final String PEER_PATH = PeerClient.PATH;
    /** The header that marks a query one instance sends another; such a query is never forwarded again. */
    public static final String FORWARDED_BY = PeerClient.FORWARDED_BY;
    /** How long one instance waits for another's answer before the query is refused as unavailable. */
    static final Duration PEER_CONNECT_TIMEOUT = Duration.ofMillis(500);
    static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

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
        config.advertised().ifPresent(self -> cluster = new ClusterViews(new StreamsCluster(s, self,
                new TopicSizes(config.bootstrapServers(), List.of(Topics.EVENTS, Topics.ALERTS), PEER_TIMEOUT)), queries,
                new PeerClient(self, PEER_CONNECT_TIMEOUT, PEER_TIMEOUT), PEER_TIMEOUT.plusMillis(500)));
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
        return query("patch " + id, () -> cluster == null ? queries.patch(id) : cluster.patch(id), Optional.empty());
    }

    @Override
    public List<DomainView> domains() {
        return query("domains", () -> cluster == null ? queries.domains() : cluster.domains(), List.of());
    }

    @Override
    public List<PatchView> patches(String domain, PatchStatus status, int limit) {
        return query("patches of " + domain, () -> cluster == null ? queries.patches(domain, status, limit) : cluster.patches(domain, status, limit), List.of());
    }

    @Override
    public Optional<Freeze> freeze(String domain) {
        return query("freeze of " + domain, () -> cluster == null ? queries.freeze(domain) : cluster.freeze(domain), Optional.empty());
    }

    @Override
    public Outcomes outcomes(String domain, Instant since, Instant until) {
        return query("outcomes of " + domain, () -> cluster == null ? queries.outcomes(domain, since, until) : cluster.outcomes(domain, since, until), Outcomes.none(since, until));
    }

    @Override
    public List<Alert> alerts(String domain, Instant since, int limit) {
        return query("alerts of " + domain, () -> cluster == null ? queries.alerts(domain, since, limit) : cluster.alerts(domain, since, limit), List.of());
    }

    @Override
    public List<Alert> openBreaches(String domain) {
        return query("open breaches of " + domain, () -> cluster == null ? queries.openBreaches(domain) : cluster.openBreaches(domain), List.of());
    }

    @Override
    public List<PatchView> quarantine(String domain, int limit) {
        return query("quarantine of " + domain, () -> cluster == null ? queries.quarantine(domain, limit) : cluster.quarantine(domain, limit), List.of());
    }

    /** The freezes of the domains; across instances, one request per other instance. */
    @Override
    public Map<String, Freeze> freezes(Collection<String> domains) {
        ClusterViews c = cluster;
        if (c == null || !ready()) {
            return Views.super.freezes(domains);
        }
        return query("freezes of " + domains.size() + " domains", () -> c.freezes(domains), Map.of());
    }

    /** Each domain's overview; across instances, one request per other instance. */
    @Override
    public List<DomainOverview> overviews(Collection<DomainView> figures, Instant now) {
        ClusterViews c = cluster;
        if (c == null || !ready()) {
            return Views.super.overviews(figures, now);
        }
        return query("overviews of " + figures.size() + " domains", () -> c.overviews(figures, now),
                figures.stream().map(f -> new DomainOverview(f.domain(), false, f, null, List.of(),
                        Outcomes.none(now.minus(HOUR), now), Outcomes.none(now.minus(DAY), now))).toList());
    }

    /**
     * Answers another instance's query from this instance's stores only, as JSON; refuses with
     * {@link ViewsUnavailable} while the stores are not served, so the asker never takes an empty
     * answer for the truth.
     */
    public String answerPeer(String queryJson) {
        PeerQuery query;
        try {
            query = Json.read(queryJson, PeerQuery.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a view query: " + e.getMessage(), e);
        }
        if (!ready()) {
            throw new ViewsUnavailable("the views of this instance are not being served (" + state()
                    + "); try again shortly");
        }
        ClusterViews c = cluster;
        try {
            PeerAnswer answer = c != null ? c.answerLocally(query) : PeerAnswers.answer(queries, query, List.of());
            return Json.canonical(answer);
        } catch (InvalidStateStoreException e) {
            throw new ViewsUnavailable("the views of this instance are moving (" + e.getMessage() + "); try again shortly", e);
        }
    }

    /**
     * This instance's own stores as {@link Views}, never asking another instance: for figures each
     * instance reports about itself, such as metrics, which are summed across instances.
     */
    public Views local() {
        return new LocalViews(this, queries);
    }

    /**
     * Answers {@code fallback} while the stores are not served, rather than throw at the reader. A
     * query across instances that cannot be answered whole throws {@link ViewsUnavailable} instead.
     */
    <T> T query(String what, Supplier<T> query, T fallback) {
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
        if (config.replicationFactor() > 1) {
            // Changelogs and repartition topics as durable as patchbay's own topics: on a cluster a write
            // waits for all replicas but one, whatever the brokers' default is.
            p.put(StreamsConfig.topicPrefix(org.apache.kafka.common.config.TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
                    String.valueOf(config.replicationFactor() - 1));
        }
        // Exactly-once: the decider writes events in transactions, so the watchdog must read committed ones
        // only; and the six stores must move together with the input offset, or a crash between two store
        // writes would leave the counters off by one for good.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // Transactional stores (KIP-892): after a crash the stores resume from their last commit instead of
        // being wiped and restored from the whole changelog. The views answer what is committed, never a
        // write a crash could still take back.
        p.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, true);
        p.put(StreamsConfig.DEFAULT_INTERACTIVE_QUERY_ISOLATION_LEVEL_CONFIG, "READ_COMMITTED");
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        if (config.advertisedServer() != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.advertisedServer());
        }
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
