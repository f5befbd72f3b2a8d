package io.patchbay.watchdog;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchView;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Merges the answers of the instances that each hold some domains into the answer one instance
 * holding every domain gives: the same order and the same limits as {@link ViewQueries}, so that
 * the body does not depend on which instance was asked. Each part is a limited list of one
 * instance's domains; since a domain lives on one instance only, the newest {@code limit} of each
 * part hold the newest {@code limit} of all.
 */
final class ViewMerge {

    /** Open breaches carry no order of their own; by domain, then limit, so every instance lists them alike. */
    static final Comparator<Alert> BY_DOMAIN_AND_LIMIT = Comparator.comparing(Alert::domain)
            .thenComparing(Alert::limit, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Alert::at, Comparator.nullsFirst(Comparator.naturalOrder()));

    private ViewMerge() {}

    static List<DomainView> domains(Collection<List<DomainView>> parts) {
        var out = concat(parts);
        out.sort(Comparator.comparing(DomainView::domain));
        return List.copyOf(out);
    }

    static List<PatchView> patches(Collection<List<PatchView>> parts, int limit) {
        return newest(concat(parts), ViewQueries.NEWEST_FIRST, limit);
    }

    static List<Alert> alerts(Collection<List<Alert>> parts, int limit) {
        return newest(concat(parts), ViewQueries.NEWEST_ALERT_FIRST, limit);
    }

    static List<Alert> openBreaches(Collection<List<Alert>> parts) {
        var out = concat(parts);
        out.sort(BY_DOMAIN_AND_LIMIT);
        return List.copyOf(out);
    }

    /** Longest held first, ties by patch id, as {@link ViewQueries#held} orders one instance's. */
    static List<PatchView> quarantine(Collection<List<HeldPatch>> parts, int limit) {
        var held = concat(parts);
        held.sort(Comparator.comparingLong(HeldPatch::since).thenComparing(h -> h.patch().id()));
        return held.stream().limit(Math.max(0, limit)).map(HeldPatch::patch).toList();
    }

    private static <T> List<T> newest(List<T> all, Comparator<T> order, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        // A stable sort: equal entries come from one domain, so from one part, in that part's order.
        all.sort(order);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    private static <T> List<T> concat(Collection<List<T>> parts) {
        var out = new ArrayList<T>();
        parts.forEach(out::addAll);
        return out;
    }
}
