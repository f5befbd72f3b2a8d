package io.patchbay.contracts.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewRecordsTest {

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    private static Event roundTrip(Event e) {
        return Topics.EVENT.deserializer().deserialize(Topics.EVENTS, Topics.EVENT.serializer().serialize(Topics.EVENTS, e));
    }

    @Test
    void driftAndUnfreezeEventsTravelUnderTheirOwnTypeNames() {
        Event drift = HashChain.seal(new Event("main", 1, null, T,
                new EventBody.DriftFound("3f2a", "77aa", "README.md modified"), null, null), HashChain.GENESIS);
        Event unfrozen = HashChain.seal(new Event("main", 2, null, T,
                new EventBody.DomainUnfrozen("reset", Submitter.http("ops")), null, null), drift.hash());

        assertThat(roundTrip(drift)).isEqualTo(drift);
        assertThat(roundTrip(unfrozen)).isEqualTo(unfrozen);
        assertThat(drift.type()).isEqualTo("DriftFound");
        assertThat(Json.canonical(unfrozen)).contains("\"type\":\"DomainUnfrozen\"");
        assertThat(HashChain.verify(List.of(drift, unfrozen))).isEmpty();
    }

    @Test
    void anUnscoredEndingSerialisesAsBeforeSoOldHashesStillHold() {
        var unscored = new EventBody.Succeeded(1, "c1", List.of("a"), List.of(), "s.md", "ok", 10);
        var scored = new EventBody.Failed(1, FailureClass.GATE_FAILED, "r", null, List.of(), "s.md", "no", 10, 0.25);

        assertThat(unscored.score()).isNull();
        assertThat(Json.canonical(unscored)).doesNotContain("score");
        String oldWire = "{\"type\":\"Succeeded\",\"attempt\":1,\"commitId\":\"c1\",\"durationMs\":10}";
        assertThat(((EventBody.Succeeded) Json.read(oldWire, EventBody.class)).score()).isNull();
        assertThat(Json.read(Json.canonical(scored), EventBody.class)).isEqualTo(scored);
    }

    @Test
    void latencyPercentilesAreMeasuredValuesByNearestRank() {
        assertThat(Latency.of(new long[0])).isEqualTo(Latency.NONE);
        assertThat(Latency.of(new long[] {7})).isEqualTo(new Latency(1, 7, 7, 7, 7));
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i;
        }
        assertThat(Latency.of(hundred)).isEqualTo(new Latency(100, 50, 90, 99, 100));
    }

    @Test
    void digestOfViewsNamesEachDomainsChainHeadOutcomesAndBreachesOfThePeriod() {
        Instant since = T.minusSeconds(86_400);
        Alert breach = new Alert("main", Alerts.SLA_BREACHED, "sla.queueDepth=1", "3", List.of("a", "b"), T.minusSeconds(60), "m");
        Alert tooEarly = new Alert("main", Alerts.SLA_BREACHED, "sla.quarantine=1", "2", List.of(), since.minusSeconds(1), "m");
        Alert recovered = new Alert("main", Alerts.SLA_RECOVERED, "sla.queueDepth=1", "1", List.of(), T.minusSeconds(30), "m");
        Outcomes outcomes = new Outcomes(since, T, 3, 1, 0, 0, 0, 0, Map.of("GATE_FAILED", 1L), null, 0.75, 0.5, 2);
        Views views = new Views() {
            public Optional<PatchView> patch(String id) {
                return Optional.empty();
            }

            public List<DomainView> domains() {
                return List.of(new DomainView("main", 2, 1, 0, 0, 3, 1, 0, 0, null, T, 42, "ab".repeat(32)));
            }

            public List<PatchView> patches(String domain, PatchStatus status, int limit) {
                return List.of();
            }

            public boolean ready() {
                return true;
            }

            @Override
            public Outcomes outcomes(String domain, Instant from, Instant until) {
                return outcomes;
            }

            @Override
            public List<Alert> alerts(String domain, Instant from, int limit) {
                return List.of(recovered, breach, tooEarly).stream().filter(a -> !a.at().isBefore(from)).toList();
            }

            @Override
            public Optional<Freeze> freeze(String domain) {
                return Optional.of(new Freeze(domain, T, 40, "a", "b", "drift"));
            }
        };

        Digest digest = views.digest(since, T);

        assertThat(digest.since()).isEqualTo(since);
        assertThat(digest.domains()).hasSize(1);
        Digest.Domain main = digest.domains().get(0);
        assertThat(main.headHash()).isEqualTo("ab".repeat(32));
        assertThat(main.lastSeq()).isEqualTo(42);
        assertThat(main.outcomes()).isEqualTo(outcomes);
        assertThat(main.slaBreaches()).containsExactly(breach);
        assertThat(main.frozen()).isTrue();
        assertThat(main.queueDepth()).isEqualTo(2);
    }
}
