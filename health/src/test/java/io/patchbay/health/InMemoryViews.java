package io.patchbay.health;

import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Views held in memory, set by the test; remembers how the patch list was asked for. */
final class InMemoryViews implements Views {

    record ListCall(String domain, PatchStatus status, int limit) {}

    volatile boolean ready = true;
    volatile RuntimeException failure;
    final Map<String, DomainView> domains = new ConcurrentHashMap<>();
    final Map<String, PatchView> patches = new ConcurrentHashMap<>();
    final List<ListCall> listCalls = new CopyOnWriteArrayList<>();

    @Override
    public Optional<PatchView> patch(String id) {
        failIfAsked();
        return Optional.ofNullable(patches.get(id));
    }

    @Override
    public List<DomainView> domains() {
        failIfAsked();
        return List.copyOf(domains.values());
    }

    @Override
    public List<PatchView> patches(String domain, PatchStatus status, int limit) {
        failIfAsked();
        listCalls.add(new ListCall(domain, status, limit));
        var out = new ArrayList<PatchView>();
        patches.values().stream()
                .filter(p -> domain == null || p.domain().equals(domain))
                .filter(p -> status == null || p.status() == status)
                .sorted(Comparator.comparing(PatchView::submittedAt).reversed())
                .limit(limit)
                .forEach(out::add);
        return out;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    private void failIfAsked() {
        if (failure != null) {
            throw failure;
        }
    }
}
