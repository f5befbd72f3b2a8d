package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import java.util.ArrayList;
import java.util.List;

/** Answers a {@link PeerQuery} from this instance's stores only: what another instance asks of it. */
final class PeerAnswers {

    private PeerAnswers() {}

    static PeerAnswer answer(ViewQueries views, PeerQuery q, List<String> partitions) {
        return new PeerAnswer(partitions, Json.mapper().valueToTree(value(views, q)));
    }

    /** The query's answer as the reads of {@link ViewQueries} give it; a batch's as the list of its parts'. */
    static Object value(ViewQueries views, PeerQuery q) {
        return switch (q.kind()) {
            case PATCH -> views.patch(q.id()).orElse(null);
            case DOMAINS -> views.domains();
            case PATCHES -> views.patches(q.domain(), q.status(), q.limit());
            case FREEZE -> views.freeze(q.domain()).orElse(null);
            case OUTCOMES -> views.outcomes(q.domain(), q.since(), q.until());
            case ALERTS -> views.alertsOf(q.domains(), q.since(), q.limit());
            case OPEN_BREACHES -> views.openBreaches(q.domain());
            case QUARANTINE -> views.held(q.domain(), q.limit());
            case BATCH -> {
                var out = new ArrayList<Object>();
                q.batch().forEach(part -> out.add(value(views, part)));
                yield out;
            }
        };
    }
}
