package io.patchbay.contracts.view;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Read access to the watchdog's views. The watchdog implements it, health and the read API use
 * it; they meet here so that neither imports the other. The default methods answer "nothing
 * known" so that a partial implementation (a test's, say) stays a valid one.
 */
public interface Views {

    Duration HOUR = Duration.ofHours(1);
    Duration DAY = Duration.ofDays(1);

    Optional<PatchView> patch(String id);

    List<DomainView> domains();

    /** Patches of a domain (or of every domain when {@code domain} is null), newest first. */
    List<PatchView> patches(String domain, PatchStatus status, int limit);

    /** Whether the views are being served (the watchdog's Streams instance is running). */
    boolean ready();

    /** Why the domain is frozen, or empty when it is not. */
    default Optional<Freeze> freeze(String domain) {
        return Optional.empty();
    }

    /** How the domain's patches ended in {@code [since, until)}. */
    default Outcomes outcomes(String domain, Instant since, Instant until) {
        return Outcomes.none(since, until);
    }

    /** Alerts of a domain (every domain when null) at or after {@code since}, newest first. */
    default List<Alert> alerts(String domain, Instant since, int limit) {
        return List.of();
    }

    /** The SlaBreached alerts not yet followed by an SlaRecovered of the same limit (every domain when null). */
    default List<Alert> openBreaches(String domain) {
        return List.of();
    }

    /** Quarantined patches of a domain (every domain when null), longest held first. */
    default List<PatchView> quarantine(String domain, int limit) {
        return patches(domain, PatchStatus.QUARANTINED, limit);
    }

    /** A domain's figures with its freeze, open breaches and the last hour's and day's outcomes at {@code now}. */
    default DomainOverview overview(DomainView figures, Instant now) {
        String d = figures.domain();
        Optional<Freeze> freeze = freeze(d);
        return new DomainOverview(d, freeze.isPresent(), figures, freeze.orElse(null), openBreaches(d),
                outcomes(d, now.minus(HOUR), now), outcomes(d, now.minus(DAY), now));
    }

    /**
     * The freezes of {@code domains}, by domain; a domain that is not frozen is absent. Where the views
     * span several instances, one question per instance answers them all.
     */
    default Map<String, Freeze> freezes(Collection<String> domains) {
        var out = new TreeMap<String, Freeze>();
        domains.forEach(d -> freeze(d).ifPresent(f -> out.put(d, f)));
        return out;
    }

    /**
     * {@link #overview} of each of {@code figures}, in their order. Where the views span several
     * instances, one question per instance answers them all.
     */
    default List<DomainOverview> overviews(Collection<DomainView> figures, Instant now) {
        return figures.stream().map(d -> overview(d, now)).toList();
    }

    /**
     * The digest of {@code [since, until)}: per domain seen in the log, how its patches ended, its
     * SLA breaches and stuck runs, its figures now and the head of its chain.
     */
    default Digest digest(Instant since, Instant until) {
        var out = new ArrayList<Digest.Domain>();
        for (DomainView d : domains()) {
            var breaches = new ArrayList<Alert>();
            for (Alert a : alerts(d.domain(), since, Integer.MAX_VALUE)) {
                boolean inPeriod = a.at() == null || a.at().isBefore(until);
                if (inPeriod && (Alerts.SLA_BREACHED.equals(a.kind()) || Alerts.STUCK.equals(a.kind()))) {
                    breaches.add(a);
                }
            }
            breaches.sort(Comparator.comparing(Alert::at, Comparator.nullsFirst(Comparator.naturalOrder())));
            out.add(new Digest.Domain(d.domain(), outcomes(d.domain(), since, until), breaches, d.queueDepth(),
                    d.inFlight(), d.quarantined(), freeze(d.domain()).isPresent(), d.lastSeq(), d.headHash()));
        }
        return new Digest(since, until, out);
    }
}
