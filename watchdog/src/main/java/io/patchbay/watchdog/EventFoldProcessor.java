package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * limits on a wall-clock schedule and forwards alerts. Idempotent: an event at or below the
 * domain's last folded seq is a redelivery or a replay and changes nothing.
 */
final class EventFoldProcessor implements Processor<String, Event, String, Alert> {

    private static final Logger log = LoggerFactory.getLogger(EventFoldProcessor.class);
    private static final StringSerializer PREFIX = new StringSerializer();

    static final String SLA_BREACHED = "SlaBreached";
    static final String SLA_RECOVERED = "SlaRecovered";
    static final String STUCK = "Stuck";

    private final Clock clock;
    private final Supplier<ExecutionContract> contract;
    private final Duration checkEvery;

    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, PatchView> patches;
    private KeyValueStore<String, DomainView> domains;
    private KeyValueStore<String, String> index;
    private KeyValueStore<String, Long> pendingSince;
    private KeyValueStore<String, Long> inFlightSince;
    private KeyValueStore<String, Long> sla;

    EventFoldProcessor(Clock clock, Supplier<ExecutionContract> contract, Duration checkEvery) {
        this.clock = clock;
        this.contract = contract;
        this.checkEvery = checkEvery;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        patches = context.getStateStore(WatchdogTopology.PATCHES);
        domains = context.getStateStore(WatchdogTopology.DOMAINS);
        index = context.getStateStore(WatchdogTopology.INDEX);
        pendingSince = context.getStateStore(WatchdogTopology.PENDING_SINCE);
        inFlightSince = context.getStateStore(WatchdogTopology.IN_FLIGHT_SINCE);
        sla = context.getStateStore(WatchdogTopology.SLA_STATE);
        if (contract != null) {
            context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, ignored -> checkSla());
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
        DomainView d = Optional.ofNullable(domains.get(e.domain())).orElseGet(() -> DomainView.empty(e.domain()));
        if (e.seq() <= d.lastSeq()) {
            log.debug("skipping {}#{} {}: already folded up to #{}", e.domain(), e.seq(), e.type(), d.lastSeq());
            return;
        }
        if (e.seq() != d.lastSeq() + 1) {
            log.warn("{}#{} follows #{}: events in between are missing from the log, the views may be short of them",
                    e.domain(), e.seq(), d.lastSeq());
        }
        if (e.patchId() != null) {
            PatchView old = patches.get(e.patchId());
            PatchView next = PatchFold.apply(old, e);
            if (next != null) {
                PatchStatus from = old == null ? null : old.status();
                patches.put(e.patchId(), next);
                reindex(old, next);
                d = DomainFigures.transition(d, from, next.status());
                d = trackSince(d, e, from, next.status());
            }
        }
        domains.put(e.domain(), DomainFigures.stamp(d, e));
    }

    /** Keeps the listing index at the patch's latest submission, so a resubmitted patch lists as new. */
    private void reindex(PatchView old, PatchView next) {
        String nextKey = StoreKeys.index(next.domain(), indexSeq(next), next.id());
        if (old != null) {
            String oldKey = StoreKeys.index(old.domain(), indexSeq(old), old.id());
            if (oldKey.equals(nextKey)) {
                return;
            }
            index.delete(oldKey);
        }
        index.put(nextKey, next.id());
    }

    private static long indexSeq(PatchView v) {
        for (int i = v.timeline().size() - 1; i >= 0; i--) {
            if ("Submitted".equals(v.timeline().get(i).type())) {
                return v.timeline().get(i).seq();
            }
        }
        return v.timeline().get(0).seq();
    }

    private DomainView trackSince(DomainView d, Event e, PatchStatus from, PatchStatus to) {
        String key = StoreKeys.patch(e.domain(), e.patchId());
        long at = e.at() == null ? clock.millis() : e.at().toEpochMilli();
        boolean wasPending = DomainFigures.pending(from);
        boolean isPending = DomainFigures.pending(to);
        if (!wasPending && isPending) {
            pendingSince.put(key, at);
        } else if (wasPending && !isPending) {
            pendingSince.delete(key);
        }
        if (wasPending != isPending) {
            d = DomainFigures.withOldestPendingSince(d, oldestPending(e.domain()));
        }
        boolean wasInFlight = DomainFigures.inFlight(from);
        boolean isInFlight = DomainFigures.inFlight(to);
        if (!wasInFlight && isInFlight) {
            inFlightSince.put(key, at);
        } else if (wasInFlight && !isInFlight) {
            inFlightSince.delete(key);
            sla.delete(StoreKeys.stuck(e.domain(), e.patchId()));
        }
        return d;
    }

    // The queue is bounded by the contract's SLA, so a scan of one domain's pending patches stays short.
    private Instant oldestPending(String domain) {
        Long oldest = null;
        try (KeyValueIterator<String, Long> it = pendingSince.prefixScan(StoreKeys.domainPrefix(domain), PREFIX)) {
            while (it.hasNext()) {
                long since = it.next().value;
                oldest = oldest == null ? since : Math.min(oldest, since);
            }
        }
        return oldest == null ? null : Instant.ofEpochMilli(oldest);
    }

    private void checkSla() {
        ExecutionContract c = contract.get();
        if (c == null) {
            return;
        }
        Instant now = clock.instant();
        List<DomainView> all = new ArrayList<>();
        try (KeyValueIterator<String, DomainView> it = domains.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        for (DomainView d : all) {
            Optional<DomainPolicy> policy = c.domain(d.domain());
            if (policy.isPresent()) {
                checkLimits(d, policy.get().sla(), now);
                checkStuck(d.domain(), policy.get().sla(), now);
            }
        }
    }

    private void checkLimits(DomainView d, DomainPolicy.Sla limits, Instant now) {
        var breaches = SlaCheck.breaches(d, limits, now);
        for (String limit : List.of(SlaCheck.QUEUE_DEPTH, SlaCheck.OLDEST_PENDING, SlaCheck.QUARANTINE)) {
            String key = StoreKeys.slaLimit(d.domain(), limit);
            boolean wasBreached = sla.get(key) != null;
            SlaCheck.Breach breach = breaches.get(limit);
            if (breach != null && !wasBreached) {
                sla.put(key, now.toEpochMilli());
                log.warn("{}", breach.message());
                send(new Alert(d.domain(), SLA_BREACHED, breach.limit(), breach.value(), List.of(), now, breach.message()));
            } else if (breach == null && wasBreached) {
                sla.delete(key);
                String value = figure(limit, d, now);
                log.info("{}: {} is back within its limit ({})", d.domain(), limit, value);
                send(new Alert(d.domain(), SLA_RECOVERED, limitText(limit, limits), value, List.of(), now,
                        d.domain() + ": " + limit + " is back within " + limitText(limit, limits)));
            }
        }
    }

    private void checkStuck(String domain, DomainPolicy.Sla limits, Instant now) {
        List<KeyValue<String, Long>> running = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = inFlightSince.prefixScan(StoreKeys.domainPrefix(domain), PREFIX)) {
            it.forEachRemaining(running::add);
        }
        for (KeyValue<String, Long> kv : running) {
            String patchId = StoreKeys.patchIdOf(domain, kv.key);
            Instant since = Instant.ofEpochMilli(kv.value);
            String marker = StoreKeys.stuck(domain, patchId);
            if (SlaCheck.stuck(since, limits, now) && sla.get(marker) == null) {
                // One alert per stuck run: the marker goes when the patch leaves Dispatched/Running.
                sla.put(marker, now.toEpochMilli());
                Duration age = Duration.between(since, now);
                String message = domain + ": patch " + patchId + " has been in flight for " + age.toSeconds()
                        + " s, longer than " + limits.runTime();
                log.warn("{}", message);
                send(new Alert(domain, STUCK, "sla.runTime=" + limits.runTime(), age.toString(), List.of(patchId), now,
                        message));
            }
        }
    }

    private void send(Alert alert) {
        context.forward(new Record<>(alert.domain(), alert, alert.at().toEpochMilli()));
    }

    private static String figure(String limit, DomainView d, Instant now) {
        return switch (limit) {
            case SlaCheck.QUEUE_DEPTH -> Long.toString(d.queueDepth());
            case SlaCheck.QUARANTINE -> Long.toString(d.quarantined());
            default -> d.oldestPendingSince() == null ? "PT0S" : Duration.between(d.oldestPendingSince(), now).toString();
        };
    }

    private static String limitText(String limit, DomainPolicy.Sla limits) {
        return switch (limit) {
            case SlaCheck.QUEUE_DEPTH -> "sla.queueDepth=" + limits.queueDepth();
            case SlaCheck.QUARANTINE -> "sla.quarantine=" + limits.quarantine();
            default -> "sla.oldestPending=" + limits.oldestPending();
        };
    }
}
