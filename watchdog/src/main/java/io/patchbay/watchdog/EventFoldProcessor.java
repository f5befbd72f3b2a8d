package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Folds {@code patchbay.events} into the view stores and, when it has a contract, checks the SLA
 * limits on a wall-clock schedule and forwards alerts ({@link SlaMonitor}). Idempotent: an event at
 * or below the domain's last folded seq is a redelivery or a replay and changes nothing. Every store
 * but the SLA memory is a function of the event log alone, so a replay rebuilds it exactly.
 */
final class EventFoldProcessor implements Processor<String, Event, String, Alert> {

    private static final Logger log = LoggerFactory.getLogger(EventFoldProcessor.class);

    /** How long terminal outcomes are kept for the windowed figures and digests. */
    static final Duration OUTCOME_RETENTION = Duration.ofDays(8);

    private final Clock clock;
    private final Supplier<ExecutionContract> contract;
    private final Duration checkEvery;

    private ProcessorContext<String, Alert> context;
    private ViewStores stores;

    private static final Duration RECENT = Duration.ofMinutes(10);

    EventFoldProcessor(Clock clock, Supplier<ExecutionContract> contract, Duration checkEvery) {
        this.clock = clock;
        this.contract = contract;
        this.checkEvery = checkEvery;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        stores = ViewStores.of(context);
        if (contract != null) {
            var monitor = new SlaMonitor(stores, this::send);
            context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME,
                    ignored -> monitor.check(contract.get(), clock.instant()));
        }
    }

    @Override
    public void process(Record<String, Event> record) {
        Event e = record.value();
        if (e == null || e.domain() == null || e.body() == null) {
            log.warn("skipping an event without domain or body at key {}", record.key());
            return;
        }
        if (e.patchId() != null) {
            MDC.put("patchId", e.patchId());
        }
        try {
            fold(e);
        } finally {
            MDC.remove("patchId");
        }
    }

    private void fold(Event e) {
        DomainView d = Optional.ofNullable(stores.domains().get(e.domain())).orElseGet(() -> DomainView.empty(e.domain()));
        if (e.seq() <= d.lastSeq()) {
            log.debug("skipping {}#{} {}: already folded up to #{}", e.domain(), e.seq(), e.type(), d.lastSeq());
            return;
        }
        if (e.seq() != d.lastSeq() + 1) {
            log.warn("{}#{} follows #{}: events in between are missing from the log, the views may be short of them",
                    e.domain(), e.seq(), d.lastSeq());
        }
        if (e.body() instanceof EventBody.DriftFound drift) {
            Freeze freeze = new Freeze(e.domain(), e.at(), e.seq(), drift.expectedCommit(), drift.actualCommit(),
                    drift.detail(), drift.files());
            stores.freezes().put(e.domain(), freeze);
            String files = freeze.namedFiles();
            log.warn("{} is frozen: drift found at #{}: {}{}", e.domain(), e.seq(), drift.detail(),
                    files == null ? "" : "; files: " + files);
            alertIfRecent(e, new Alert(e.domain(), Alerts.DRIFT_FOUND, null, drift.actualCommit(), List.of(), e.at(),
                    e.domain() + " is frozen: its workspace is not what the log says (" + drift.detail()
                            + (files == null ? "" : "; files: " + files) + "); unfreeze it with --adopt or --reset"));
        } else if (e.body() instanceof EventBody.DomainUnfrozen unfrozen) {
            stores.freezes().delete(e.domain());
            log.info("{} unfrozen ({}) by {}", e.domain(), unfrozen.mode(), unfrozen.by());
            alertIfRecent(e, new Alert(e.domain(), Alerts.UNFROZEN, null, unfrozen.mode(), List.of(), e.at(),
                    e.domain() + " was unfrozen (" + unfrozen.mode() + ") by " + unfrozen.by()));
        } else if (e.patchId() != null) {
            d = foldPatch(d, e);
        }
        stores.domains().put(e.domain(), DomainFigures.stamp(d, e));
    }

    private DomainView foldPatch(DomainView d, Event e) {
        PatchView old = stores.patches().get(e.patchId());
        PatchView next = PatchFold.apply(old, e);
        if (next == null) {
            return d;
        }
        PatchStatus from = counted(old);
        stores.patches().put(e.patchId(), next);
        reindex(old, next);
        if (e.body().terminal()) {
            recordOutcome(e, old, next);
        }
        PatchStatus to = counted(next);
        return trackSince(DomainFigures.transition(d, from, to), e, from, to);
    }

    /**
     * The status a patch counts under in its domain's figures: a patch dispatched behind another and
     * not started yet still waits, so it counts as queued (in the queue depth, the oldest pending, and
     * not yet in flight, so its run time starts at Started).
     */
    private static PatchStatus counted(PatchView v) {
        if (v == null) {
            return null;
        }
        return v.waitingBehind() != null ? PatchStatus.QUEUED : v.status();
    }

    /** Keeps the listing index at the patch's latest submission, so a resubmitted patch lists as new. */
    private void reindex(PatchView old, PatchView next) {
        String nextKey = StoreKeys.index(next.domain(), indexSeq(next), next.id());
        if (old != null) {
            String oldKey = StoreKeys.index(old.domain(), indexSeq(old), old.id());
            if (oldKey.equals(nextKey)) {
                return;
            }
            stores.index().delete(oldKey);
        }
        stores.index().put(nextKey, next.id());
    }

    private static long indexSeq(PatchView v) {
        for (int i = v.timeline().size() - 1; i >= 0; i--) {
            if ("Submitted".equals(v.timeline().get(i).type())) {
                return v.timeline().get(i).seq();
            }
        }
        return v.timeline().get(0).seq();
    }

    /**
     * Keeps the outcome for the windowed figures, and drops the domain's outcomes that have passed
     * the retention as measured by the log's own time, so that a replay keeps exactly the same ones.
     */
    private void recordOutcome(Event e, PatchView old, PatchView next) {
        long at = eventMillis(e);
        stores.outcomes().put(StoreKeys.timed(e.domain(), at, String.format("%020d", e.seq())), Outcome.of(e, old, next));
        long cutoff = at - OUTCOME_RETENTION.toMillis();
        var expired = new ArrayList<String>();
        try (KeyValueIterator<String, Outcome> it =
                stores.outcomes().range(StoreKeys.domainPrefix(e.domain()), StoreKeys.timedBefore(e.domain(), cutoff))) {
            it.forEachRemaining(kv -> expired.add(kv.key));
        }
        expired.forEach(stores.outcomes()::delete);
    }

    private DomainView trackSince(DomainView d, Event e, PatchStatus from, PatchStatus to) {
        String key = StoreKeys.patch(e.domain(), e.patchId());
        long at = eventMillis(e);
        boolean wasPending = DomainFigures.pending(from);
        boolean isPending = DomainFigures.pending(to);
        track(stores.pendingSince(), key, at, wasPending, isPending);
        if (wasPending != isPending) {
            d = DomainFigures.withOldestPendingSince(d, oldestPending(e.domain()));
        }
        boolean wasInFlight = DomainFigures.inFlight(from);
        boolean isInFlight = DomainFigures.inFlight(to);
        track(stores.inFlightSince(), key, at, wasInFlight, isInFlight);
        if (wasInFlight && !isInFlight) {
            stores.sla().delete(StoreKeys.stuck(e.domain(), e.patchId()));
        }
        track(stores.quarantine(), key, at, from == PatchStatus.QUARANTINED, to == PatchStatus.QUARANTINED);
        return d;
    }

    private static void track(KeyValueStore<String, Long> since, String key, long at, boolean was, boolean is) {
        if (!was && is) {
            since.put(key, at);
        } else if (was && !is) {
            since.delete(key);
        }
    }

    private long eventMillis(Event e) {
        return e.at() == null ? clock.millis() : e.at().toEpochMilli();
    }

    // The queue is bounded by the contract's SLA, so a scan of one domain's pending patches stays short.
    private Instant oldestPending(String domain) {
        List<KeyValue<String, Long>> pending = StoreReads.longestHeld(stores.pendingSince(), domain);
        return pending.isEmpty() ? null : Instant.ofEpochMilli(pending.get(0).value);
    }

    /**
     * Drift is told on {@code patchbay.alerts} when it happens; rebuilding the views from an old
     * log must not raise it again.
     */
    private void alertIfRecent(Event e, Alert alert) {
        if (contract != null && Duration.between(e.at(), clock.instant()).compareTo(RECENT) < 0) {
            send(alert);
        }
    }

    private void send(Alert alert) {
        context.forward(new Record<>(alert.domain(), alert, alert.at().toEpochMilli()));
    }
}
