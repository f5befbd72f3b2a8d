package io.patchbay.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.Risk;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The effective risk level in the Accepted event, and Accepted events written before it was there. */
class AcceptedRiskTest {

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void carriesTheLevelAndTheRuleThatSetIt() {
        var accepted = new EventBody.Accepted("v1", "h", Risk.HIGH, "paths .github/**");
        String wire = Json.canonical(accepted);
        assertThat(wire).contains("\"risk\":\"high\"").contains("\"riskRule\":\"paths .github/**\"");
        assertThat(Json.read(wire, EventBody.class)).isEqualTo(accepted);
    }

    @Test
    void anOlderAcceptedEventStillReadsAndKeepsItsHash() {
        String oldWire = "{\"type\":\"Accepted\",\"contractHash\":\"h\",\"contractVersion\":\"v1\"}";
        var old = (EventBody.Accepted) Json.read(oldWire, EventBody.class);
        assertThat(old.risk()).isNull();
        assertThat(old.riskRule()).isNull();
        assertThat(Json.canonical(old)).isEqualTo(oldWire);

        Event sealed = HashChain.seal(new Event("main", 1, "p1", T, old, null, null), HashChain.GENESIS);
        Event readBack = Json.read(Json.canonical(sealed), Event.class);
        assertThat(HashChain.verify(List.of(readBack))).isEmpty();
    }
}
