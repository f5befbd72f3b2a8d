package io.patchbay.watchdog;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One instance's own stores as {@link Views}, never asking another instance; see {@link Watchdog#local()}. */
final class LocalViews implements Views {

    private final Watchdog watchdog;
    private final ViewQueries queries;

    LocalViews(Watchdog watchdog, ViewQueries queries) {
        this.watchdog = watchdog;
        this.queries = queries;
    }

    @Override
    public Optional<PatchView> patch(String id) {
        return watchdog.query("patch " + id, () -> queries.patch(id), Optional.empty());
    }

    @Override
    public List<DomainView> domains() {
        return watchdog.query("domains", queries::domains, List.of());
    }

    @Override
    public List<PatchView> patches(String domain, PatchStatus status, int limit) {
        return watchdog.query("patches of " + domain, () -> queries.patches(domain, status, limit), List.of());
    }

    @Override
    public boolean ready() {
        return watchdog.ready();
    }

    @Override
    public Optional<Freeze> freeze(String domain) {
        return watchdog.query("freeze of " + domain, () -> queries.freeze(domain), Optional.empty());
    }

    @Override
    public Outcomes outcomes(String domain, Instant since, Instant until) {
        return watchdog.query("outcomes of " + domain, () -> queries.outcomes(domain, since, until),
                Outcomes.none(since, until));
    }

    @Override
    public List<Alert> alerts(String domain, Instant since, int limit) {
        return watchdog.query("alerts of " + domain, () -> queries.alerts(domain, since, limit), List.of());
    }

    @Override
    public List<Alert> openBreaches(String domain) {
        return watchdog.query("open breaches of " + domain, () -> queries.openBreaches(domain), List.of());
    }

    @Override
    public List<PatchView> quarantine(String domain, int limit) {
        return watchdog.query("quarantine of " + domain, () -> queries.quarantine(domain, limit), List.of());
    }
}
