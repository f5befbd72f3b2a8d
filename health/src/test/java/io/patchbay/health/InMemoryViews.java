package io.patchbay.health;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.time.Instant;
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
    final Map<String, Freeze> freezes = new ConcurrentHashMap<>();
    final Map<String, Outcomes> outcomes = new ConcurrentHashMap<>();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final List<Alert> open = new CopyOnWriteArrayList<>();
    final List<Instant> alertsAskedSince = new CopyOnWriteArrayList<>();
    final List<Instant> outcomesAskedSince = new CopyOnWriteArrayList<>();
    /** The questions about several domains at once ("freezes", "overviews"), and those about one domain alone. */
    final List<String> batches = new CopyOnWriteArrayList<>();
    final List<String> oneDomainQuestions = new CopyOnWriteArrayList<>();
    private volatile boolean inBatch;

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

    @Override
    public Optional<Freeze> freeze(String domain) {
        failIfAsked();
        asked("freeze " + domain);
        return Optional.ofNullable(freezes.get(domain));
    }

    /** The outcomes set for the domain, whatever the period, stamped with the period asked for. */
    @Override
    public Outcomes outcomes(String domain, Instant since, Instant until) {
        failIfAsked();
        asked("outcomes " + domain);
        outcomesAskedSince.add(since);
        Outcomes o = outcomes.get(domain);
        return o == null ? Outcomes.none(since, until)
                : new Outcomes(since, until, o.succeeded(), o.failed(), o.rejected(), o.cancelled(), o.quarantined(),
                        o.discarded(), o.failuresByClass(), o.latency(), o.successRate(), o.meanScore(), o.scored());
    }

    @Override
    public List<Alert> alerts(String domain, Instant since, int limit) {
        failIfAsked();
        alertsAskedSince.add(since);
        return alerts.stream()
                .filter(a -> domain == null || a.domain().equals(domain))
                .filter(a -> !a.at().isBefore(since))
                .sorted(Comparator.comparing(Alert::at).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public List<Alert> openBreaches(String domain) {
        failIfAsked();
        if (domain != null) {
            asked("open breaches " + domain);
        }
        return open.stream().filter(a -> domain == null || a.domain().equals(domain)).toList();
    }

    @Override
    public Map<String, Freeze> freezes(java.util.Collection<String> domains) {
        batches.add("freezes");
        return inBatch(() -> Views.super.freezes(domains));
    }

    @Override
    public List<DomainOverview> overviews(java.util.Collection<DomainView> figures, Instant now) {
        batches.add("overviews");
        return inBatch(() -> Views.super.overviews(figures, now));
    }

    private <T> T inBatch(java.util.function.Supplier<T> question) {
        inBatch = true;
        try {
            return question.get();
        } finally {
            inBatch = false;
        }
    }

    private void asked(String question) {
        if (!inBatch) {
            oneDomainQuestions.add(question);
        }
    }
}
