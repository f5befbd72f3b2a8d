package io.patchbay.watchdog;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.JsonSerde;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.PatchView;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The watchdog's topology: {@code patchbay.events} folded into queryable stores, optionally an SLA
 * check that writes to {@code patchbay.alerts}, and {@code patchbay.alerts} folded into the alerts
 * view. A plain function of its inputs; start-up lives
 * in {@link Watchdog}.
 */
public final class WatchdogTopology {

    /** patchId → {@link PatchView}. */
    public static final String PATCHES = "watchdog-patches";
    /** domain → {@link DomainView}. */
    public static final String DOMAINS = "watchdog-domains";
    /** {@code domain|seq of the latest Submitted, zero-padded|patchId} → patchId, for listing newest first. */
    public static final String INDEX = "watchdog-index";
    /** {@code domain|patchId} → epoch millis since the patch has been pending, for the oldest pending age. */
    public static final String PENDING_SINCE = "watchdog-pending-since";
    /** {@code domain|patchId} → epoch millis since the patch was dispatched, for stuck runs. */
    public static final String IN_FLIGHT_SINCE = "watchdog-in-flight-since";
    /** {@code domain|patchId} → epoch millis since the patch has been quarantined. */
    public static final String QUARANTINE = "watchdog-quarantine";
    /** {@code domain|epoch millis|seq} → {@link Outcome}: terminal events, for the last hour's and day's figures. */
    public static final String OUTCOMES = "watchdog-outcomes";
    /** domain → {@link Freeze} while the domain is frozen by drift. */
    public static final String FREEZES = "watchdog-freezes";
    /**
     * Which SLA limits the check found breached and which runs it reported stuck, so each alert is
     * sent once. The check's own memory: restored from its changelog, not from the event log.
     */
    public static final String SLA_STATE = "watchdog-sla";
    /** {@code domain|epoch millis|content hash} → {@link Alert}, folded from {@code patchbay.alerts}. */
    public static final String ALERTS = "watchdog-alerts";
    /** {@code domain|limit name} → the SlaBreached alert of a limit that has not recovered yet. */
    public static final String OPEN_BREACHES = "watchdog-open-breaches";

    /** How often the SLA limits are checked against the wall clock. */
    public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(5);

    static final Serde<PatchView> PATCH_VIEW = JsonSerde.of(PatchView.class);
    static final Serde<DomainView> DOMAIN_VIEW = JsonSerde.of(DomainView.class);
    static final Serde<Outcome> OUTCOME = JsonSerde.of(Outcome.class);
    static final Serde<Freeze> FREEZE = JsonSerde.of(Freeze.class);

    private static final String SOURCE = "events";
    private static final String FOLD = "fold";
    private static final String ALERT_SINK = "alerts";
    private static final String ALERT_SOURCE = "alerts-in";
    private static final String ALERT_FOLD = "alerts-fold";

    private WatchdogTopology() {}

    /** The views alone, without SLA alerts. */
    public static Topology build(Clock clock) {
        return build(clock, null, DEFAULT_CHECK_EVERY);
    }

    /**
     * The views, plus SLA alerts when {@code contract} is not null: every {@code checkEvery} of wall
     * clock time the limits of each domain's {@code sla} block are compared with its figures at
     * {@code clock}'s now; a limit that starts or stops being exceeded sends SlaBreached or
     * SlaRecovered, and a patch in flight longer than {@code sla.runTime} sends Stuck, once.
     */
    public static Topology build(Clock clock, Supplier<ExecutionContract> contract, Duration checkEvery) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(checkEvery, "checkEvery");
        var topology = new Topology();
        topology.addSource(SOURCE, Topics.KEY.deserializer(), Topics.EVENT.deserializer(), Topics.EVENTS);
        topology.addProcessor(FOLD, () -> new EventFoldProcessor(clock, contract, checkEvery), SOURCE);
        topology.addStateStore(store(PATCHES, PATCH_VIEW), FOLD);
        topology.addStateStore(store(DOMAINS, DOMAIN_VIEW), FOLD);
        topology.addStateStore(store(INDEX, Serdes.String()), FOLD);
        topology.addStateStore(store(PENDING_SINCE, Serdes.Long()), FOLD);
        topology.addStateStore(store(IN_FLIGHT_SINCE, Serdes.Long()), FOLD);
        topology.addStateStore(store(QUARANTINE, Serdes.Long()), FOLD);
        topology.addStateStore(store(OUTCOMES, OUTCOME), FOLD);
        topology.addStateStore(store(FREEZES, FREEZE), FOLD);
        topology.addStateStore(store(SLA_STATE, Serdes.Long()), FOLD);
        if (contract != null) {
            topology.addSink(ALERT_SINK, Topics.ALERTS, Topics.KEY.serializer(), Topics.ALERT.serializer(), FOLD);
        }
        // The alerts view reads the topic back, so alerts of every writer show, and it is rebuilt from the log.
        topology.addSource(ALERT_SOURCE, Topics.KEY.deserializer(), Topics.ALERT.deserializer(), Topics.ALERTS);
        topology.addProcessor(ALERT_FOLD, AlertFoldProcessor::new, ALERT_SOURCE);
        topology.addStateStore(store(ALERTS, Topics.ALERT), ALERT_FOLD);
        topology.addStateStore(store(OPEN_BREACHES, Topics.ALERT), ALERT_FOLD);
        return topology;
    }

    private static <V> StoreBuilder<?> store(String name, Serde<V> values) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
    }
}
