package io.patchbay.watchdog;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The read side of the view stores, apart from where the stores come from: interactive queries in
 * {@link Watchdog}, the test driver's stores in tests.
 */
final class ViewQueries {

    /** Looks up a store of the watchdog topology by name. */
    interface StoreSource {
        <V> ReadOnlyKeyValueStore<String, V> store(String name);
    }

    static final Comparator<PatchView> NEWEST_FIRST = Comparator
            .comparing(ViewQueries::listedAt, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(PatchView::id);

    static final Comparator<Alert> NEWEST_ALERT_FIRST = Comparator.comparing(Alert::at).reversed()
            .thenComparing(Alert::domain);

    private final StoreSource stores;

    ViewQueries(StoreSource stores) {
        this.stores = stores;
    }

    Optional<PatchView> patch(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(stores.<PatchView>store(WatchdogTopology.PATCHES).get(id));
    }

    List<DomainView> domains() {
        var out = new ArrayList<DomainView>();
        try (KeyValueIterator<String, DomainView> it = stores.<DomainView>store(WatchdogTopology.DOMAINS).all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        out.sort(Comparator.comparing(DomainView::domain));
        return out;
    }

    List<PatchView> patches(String domain, PatchStatus status, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        if (domain != null) {
            return newest(domain, status, limit);
        }
        // Each domain's newest {@code limit} hold the newest {@code limit} of all domains together.
        var merged = new ArrayList<PatchView>();
        for (DomainView d : domains()) {
            merged.addAll(newest(d.domain(), status, limit));
        }
        merged.sort(NEWEST_FIRST);
        return List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
    }

    private List<PatchView> newest(String domain, PatchStatus status, int limit) {
        ReadOnlyKeyValueStore<String, String> index = stores.store(WatchdogTopology.INDEX);
        ReadOnlyKeyValueStore<String, PatchView> patches = stores.store(WatchdogTopology.PATCHES);
        var out = new ArrayList<PatchView>();
        try (KeyValueIterator<String, String> it =
                index.reverseRange(StoreKeys.domainPrefix(domain), StoreKeys.domainEnd(domain))) {
            while (it.hasNext() && out.size() < limit) {
                KeyValue<String, String> kv = it.next();
                PatchView v = patches.get(kv.value);
                if (v != null && (status == null || v.status() == status)) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static Instant listedAt(PatchView v) {
        return v.submittedAt() != null ? v.submittedAt() : v.updatedAt();
    }

    Optional<Freeze> freeze(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(stores.<Freeze>store(WatchdogTopology.FREEZES).get(domain));
    }

    Outcomes outcomes(String domain, Instant since, Instant until) {
        return StoreReads.outcomes(stores.store(WatchdogTopology.OUTCOMES), domain, since, until);
    }

    List<Alert> alerts(String domain, Instant since, int limit) {
        return alertsOf(domain == null ? alertDomains() : List.of(domain), since, limit);
    }

    /** The newest {@code limit} alerts of these domains; a domain whose alerts this store does not hold adds none. */
    List<Alert> alertsOf(Collection<String> domains, Instant since, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        var out = new ArrayList<Alert>();
        for (String d : domains) {
            out.addAll(newestAlerts(d, since, limit));
        }
        out.sort(NEWEST_ALERT_FIRST);
        return List.copyOf(out.subList(0, Math.min(limit, out.size())));
    }

    private List<Alert> newestAlerts(String domain, Instant since, int limit) {
        ReadOnlyKeyValueStore<String, Alert> alerts = stores.store(WatchdogTopology.ALERTS);
        var out = new ArrayList<Alert>();
        try (KeyValueIterator<String, Alert> it = alerts.reverseRange(
                StoreKeys.timedFrom(domain, since == null ? 0 : since.toEpochMilli()), StoreKeys.domainEnd(domain))) {
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next().value);
            }
        }
        return out;
    }

    /** Alerts may name domains that have no event yet; the open breaches and the domains cover the rest. */
    List<String> alertDomains() {
        var names = new TreeSet<String>();
        names.add(Alerts.ALL_DOMAINS);
        domains().forEach(d -> names.add(d.domain()));
        openBreaches(null).forEach(a -> names.add(a.domain()));
        return List.copyOf(names);
    }

    List<Alert> openBreaches(String domain) {
        ReadOnlyKeyValueStore<String, Alert> open = stores.store(WatchdogTopology.OPEN_BREACHES);
        if (domain != null) {
            return StoreReads.ofDomain(open, domain).stream().map(kv -> kv.value).toList();
        }
        var out = new ArrayList<Alert>();
        try (KeyValueIterator<String, Alert> it = open.all()) {
            it.forEachRemaining(kv -> out.add(kv.value));
        }
        return out;
    }

    List<PatchView> quarantine(String domain, int limit) {
        return held(domain, limit).stream().map(HeldPatch::patch).toList();
    }

    /** Quarantined patches of a domain (every domain when null), longest held first, with since when. */
    List<HeldPatch> held(String domain, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        ReadOnlyKeyValueStore<String, Long> held = stores.store(WatchdogTopology.QUARANTINE);
        ReadOnlyKeyValueStore<String, PatchView> patches = stores.store(WatchdogTopology.PATCHES);
        var since = new ArrayList<KeyValue<String, Long>>();
        for (String d : domain == null ? domains().stream().map(DomainView::domain).toList() : List.of(domain)) {
            StoreReads.longestHeld(held, d).forEach(kv -> since.add(new KeyValue<>(StoreKeys.patchIdOf(d, kv.key), kv.value)));
        }
        since.sort(Comparator.<KeyValue<String, Long>>comparingLong(kv -> kv.value).thenComparing(kv -> kv.key));
        var out = new ArrayList<HeldPatch>();
        for (KeyValue<String, Long> kv : since) {
            PatchView v = patches.get(kv.key);
            if (v != null && out.size() < limit) {
                out.add(new HeldPatch(kv.value, v));
            }
        }
        return out;
    }
}
