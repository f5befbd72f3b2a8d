package io.patchbay.watchdog;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLA check the fold processor runs on a wall-clock schedule: compares each contract domain's
 * figures with its {@code sla} block and sends SlaBreached when a limit starts being exceeded,
 * SlaRecovered when it stops, and Stuck once per run that passes the run time. What it has sent
 * is remembered in the SLA store, so a check that finds the same breach again stays quiet.
 */
final class SlaMonitor {

    private static final Logger log = LoggerFactory.getLogger(SlaMonitor.class);

    /** At most this many patch ids go into one alert; the message says how many there are. */
    static final int MAX_PATCHES = 20;

    private final ViewStores stores;
    private final Consumer<Alert> send;

    SlaMonitor(ViewStores stores, Consumer<Alert> send) {
        this.stores = stores;
        this.send = send;
    }

    void check(ExecutionContract contract, Instant now) {
        if (contract == null) {
            return;
        }
        List<DomainView> all = new ArrayList<>();
        try (KeyValueIterator<String, DomainView> it = stores.domains().all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        for (DomainView d : all) {
            Optional<DomainPolicy> policy = contract.domain(d.domain());
            if (policy.isPresent()) {
                checkLimits(d, policy.get().sla(), now);
                checkStuck(d.domain(), policy.get().sla(), now);
            }
        }
    }

    private void checkLimits(DomainView d, DomainPolicy.Sla limits, Instant now) {
        Outcomes lastHour = StoreReads.outcomes(stores.outcomes(), d.domain(), now.minus(Views.HOUR), now);
        var breaches = SlaCheck.breaches(d, lastHour, limits, now);
        KeyValueStore<String, Long> sla = stores.sla();
        for (String limit : SlaCheck.LIMITS) {
            String key = StoreKeys.slaLimit(d.domain(), limit);
            boolean wasBreached = sla.get(key) != null;
            SlaCheck.Breach breach = breaches.get(limit);
            if (breach != null && !wasBreached) {
                sla.put(key, now.toEpochMilli());
                List<String> involved = involved(limit, d.domain(), limits, now);
                log.warn("{}", breach.message());
                send.accept(new Alert(d.domain(), Alerts.SLA_BREACHED, breach.limit(), breach.value(),
                        capped(involved), now, breach.message() + more(involved)));
            } else if (breach == null && wasBreached) {
                sla.delete(key);
                String value = SlaCheck.figure(limit, d, lastHour, now);
                String limitText = SlaCheck.limitText(limit, limits);
                log.info("{}: {} is back within its limit ({})", d.domain(), limit, value);
                send.accept(new Alert(d.domain(), Alerts.SLA_RECOVERED, limitText, value, List.of(), now,
                        d.domain() + ": " + limit + " is back within " + limitText));
            }
        }
    }

    /** The patches a breach is about: those waiting, those waiting too long, those held, those that failed. */
    private List<String> involved(String limit, String domain, DomainPolicy.Sla limits, Instant now) {
        return switch (limit) {
            case SlaCheck.QUEUE_DEPTH -> StoreReads.heldLongest(stores.pendingSince(), domain);
            case SlaCheck.QUARANTINE -> StoreReads.heldLongest(stores.quarantine(), domain);
            case SlaCheck.OLDEST_PENDING -> {
                long cutoff = now.minus(Durations.parse(limits.oldestPending())).toEpochMilli();
                yield StoreReads.longestHeld(stores.pendingSince(), domain).stream()
                        .filter(kv -> kv.value < cutoff)
                        .map(kv -> StoreKeys.patchIdOf(domain, kv.key))
                        .toList();
            }
            default -> {
                var out = new LinkedHashSet<String>();
                StoreReads.eachOutcome(stores.outcomes(), domain, now.minus(Views.HOUR), now, o -> {
                    if (o.unsuccessfulRun()) {
                        out.add(o.patchId());
                    }
                });
                yield List.copyOf(out);
            }
        };
    }

    private void checkStuck(String domain, DomainPolicy.Sla limits, Instant now) {
        KeyValueStore<String, Long> sla = stores.sla();
        for (KeyValue<String, Long> kv : StoreReads.ofDomain(stores.inFlightSince(), domain)) {
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
                send.accept(new Alert(domain, Alerts.STUCK, "sla.runTime=" + limits.runTime(), age.toString(),
                        List.of(patchId), now, message));
            }
        }
    }

    private static List<String> capped(List<String> ids) {
        return ids.size() <= MAX_PATCHES ? List.copyOf(ids) : List.copyOf(ids.subList(0, MAX_PATCHES));
    }

    private static String more(List<String> ids) {
        return ids.size() <= MAX_PATCHES ? "" : " (" + ids.size() + " patches; the first " + MAX_PATCHES + " are listed)";
    }
}
