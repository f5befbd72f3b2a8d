package io.patchbay.watchdog;

import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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

    private static final Comparator<PatchView> NEWEST_FIRST = Comparator
            .comparing(ViewQueries::listedAt, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(PatchView::id);

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
                index.reverseRange(StoreKeys.domainPrefix(domain), StoreKeys.domainIndexEnd(domain))) {
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
}
