package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import java.util.List;

/** Answers a {@link PeerQuery} from this instance's stores only: what another instance asks of it. */
final class PeerAnswers {

    private PeerAnswers() {}

    static PeerAnswer answer(ViewQueries views, PeerQuery q, List<String> partitions) {
        Object answer = switch (q.kind()) {
            case PATCH -> views.patch(q.id()).orElse(null);
            case DOMAINS -> views.domains();
            case PATCHES -> views.patches(q.domain(), q.status(), q.limit());
            case FREEZE -> views.freeze(q.domain()).orElse(null);
            case OUTCOMES -> views.outcomes(q.domain(), q.since(), q.until());
            case ALERTS -> views.alertsOf(q.domains(), q.since(), q.limit());
            case OPEN_BREACHES -> views.openBreaches(q.domain());
            case QUARANTINE -> views.held(q.domain(), q.limit());
        };
        return new PeerAnswer(partitions, Json.mapper().valueToTree(answer));
    }
}
