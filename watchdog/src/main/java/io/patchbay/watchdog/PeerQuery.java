package io.patchbay.watchdog;

import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.List;

/**
 * One view query as an instance sends it to another, which answers it from its own stores only and
 * never asks further. Only the fields its {@link Kind} names are set.
 *
 * @param domains the domains an {@link Kind#ALERTS} query covers: the asker knows every domain of the
 *     cluster, the instance that holds a domain's alerts may not hold its events
 * @param batch the queries a {@link Kind#BATCH} carries, each about a domain the asked instance holds;
 *     its answer is the array of their answers in the same order. A batch holds no batch.
 */
public record PeerQuery(Kind kind, String id, String domain, List<String> domains, PatchStatus status, int limit,
        Instant since, Instant until, List<PeerQuery> batch) {

    /** Which read of {@link ViewQueries} to run; {@code BATCH} runs several in one request. */
    public enum Kind { PATCH, DOMAINS, PATCHES, FREEZE, OUTCOMES, ALERTS, OPEN_BREACHES, QUARANTINE, BATCH }

    public PeerQuery {
        if (kind == null) {
            throw new IllegalArgumentException("a view query needs a kind, one of " + List.of(Kind.values()));
        }
        domains = domains == null ? List.of() : List.copyOf(domains);
        batch = batch == null ? List.of() : List.copyOf(batch);
        if (batch.stream().anyMatch(q -> q.kind() == Kind.BATCH)) {
            // One level keeps a request's cost in view: it is as many reads as it lists.
            throw new IllegalArgumentException("a batch of view queries cannot hold another batch");
        }
    }

    static PeerQuery batch(List<PeerQuery> queries) {
        return new PeerQuery(Kind.BATCH, null, null, null, null, 0, null, null, queries);
    }

    static PeerQuery patch(String id) {
        return new PeerQuery(Kind.PATCH, id, null, null, null, 0, null, null, null);
    }

    static PeerQuery domainsQuery() {
        return new PeerQuery(Kind.DOMAINS, null, null, null, null, 0, null, null, null);
    }

    static PeerQuery patches(String domain, PatchStatus status, int limit) {
        return new PeerQuery(Kind.PATCHES, null, domain, null, status, limit, null, null, null);
    }

    static PeerQuery freeze(String domain) {
        return new PeerQuery(Kind.FREEZE, null, domain, null, null, 0, null, null, null);
    }

    static PeerQuery outcomes(String domain, Instant since, Instant until) {
        return new PeerQuery(Kind.OUTCOMES, null, domain, null, null, 0, since, until, null);
    }

    static PeerQuery alerts(List<String> domains, Instant since, int limit) {
        return new PeerQuery(Kind.ALERTS, null, null, domains, null, limit, since, null, null);
    }

    static PeerQuery openBreaches(String domain) {
        return new PeerQuery(Kind.OPEN_BREACHES, null, domain, null, null, 0, null, null, null);
    }

    static PeerQuery quarantine(String domain, int limit) {
        return new PeerQuery(Kind.QUARANTINE, null, domain, null, null, limit, null, null, null);
    }
}
