package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.drift;
import static io.patchbay.watchdog.EventLog.failed;
import static io.patchbay.watchdog.EventLog.quarantined;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.Views;
import io.patchbay.contracts.view.ViewsUnavailable;
import io.patchbay.contracts.work.FailureClass;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances, each holding the stores of one partition, answer every query as one instance
 * holding both would, whichever of them is asked; and refuse rather than answer a part as the whole.
 * Each instance is the real topology on a test driver; only the network between them is in memory
 * (answers still go through their JSON form).
 */
class ClusterViewsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant NOW = T0.plusSeconds(120);
    private static final List<String> ALL_DOMAINS = List.of("alpha", "beta", "gamma", "delta");
    private static final HostInfo A = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo B = new HostInfo("10.0.0.2", 8080);
    /** Events: alpha and gamma on A's partition 0, beta and delta on B's partition 1. */
    private static final Map<String, ClusterViews.Owner> EVENT_OWNERS = Map.of(
            "alpha", new ClusterViews.Owner(A, 0), "gamma", new ClusterViews.Owner(A, 0),
            "beta", new ClusterViews.Owner(B, 1), "delta", new ClusterViews.Owner(B, 1));
    /** Alerts are another sub-topology: their partitions may sit elsewhere. alpha's alerts are on B. */
    private static final Map<String, ClusterViews.Owner> ALERT_OWNERS = Map.of(
            "alpha", new ClusterViews.Owner(B, 1), "beta", new ClusterViews.Owner(B, 1),
            "gamma", new ClusterViews.Owner(A, 0), "delta", new ClusterViews.Owner(A, 0),
            Alerts.ALL_DOMAINS, new ClusterViews.Owner(A, 0));

    @TempDir
    Path dir;

    private ViewsTestDriver whole;
    private ViewsTestDriver onA;
    private ViewsTestDriver onB;
    private final Set<HostInfo> down = new HashSet<>();
    /** Partitions an instance says it holds, when they differ from what the metadata says (a rebalance). */
    private final Map<HostInfo, List<String>> movedTo = new java.util.HashMap<>();
    private final List<HostInfo> asked = new ArrayList<>();
    /** How many partitions each input topic has, as the brokers say. */
    private int partitionCount = 2;

    @BeforeEach
    void start() throws Exception {
        whole = driver("whole");
        onA = driver("a");
        onB = driver("b");
        var log = new EventLog(T0);
        pipe(log.run("alpha", "a1", Duration.ofSeconds(3), succeeded(1, "c1")));
        pipe(log.run("beta", "b1", Duration.ofSeconds(4), failed(1, FailureClass.GATE_FAILED, "unit failed")));
        pipe(log.run("gamma", "g1", Duration.ZERO, quarantined(3)));
        pipe(log.run("delta", "d1", Duration.ZERO, quarantined(3)));
        pipe(log.run("alpha", "a2", Duration.ZERO, quarantined(3)));
        pipe(log.next("beta", "b2", submitted("b2", "beta", "waits")));
        pipe(log.next("delta", "d2", submitted("d2", "delta", "waits too")));
        pipe(log.run("gamma", "g2", Duration.ofSeconds(1), succeeded(1, "c2")));
        pipe(log.next("delta", null, drift("3f2a9c0d", "77aa0b1c")));
        alert(new Alert("alpha", Alerts.SLA_BREACHED, "sla.quarantine", "1", List.of("a2"), T0.plusSeconds(40), "alpha held"));
        alert(new Alert("gamma", Alerts.SLA_BREACHED, "sla.quarantine", "1", List.of("g1"), T0.plusSeconds(41), "gamma held"));
        alert(new Alert("beta", Alerts.STUCK, null, null, List.of("b1"), T0.plusSeconds(42), "beta stuck"));
        alert(new Alert(Alerts.ALL_DOMAINS, "ContractInvalid", null, null, List.of(), T0.plusSeconds(43), "bad edit"));
    }

    @AfterEach
    void stop() {
        for (ViewsTestDriver d : List.of(whole, onA, onB)) {
            d.close();
        }
    }

    private ViewsTestDriver driver(String name) {
        return new ViewsTestDriver(WatchdogTopology.build(Clock.fixed(T0, ZoneOffset.UTC)), dir.resolve(name), false);
    }

    private void pipe(Event... events) {
        whole.pipe(events);
        (EVENT_OWNERS.get(events[0].domain()).host().equals(A) ? onA : onB).pipe(events);
    }

    private void alert(Alert a) {
        whole.pipeAlerts(List.of(a));
        (ALERT_OWNERS.get(a.domain()).host().equals(A) ? onA : onB).pipeAlerts(List.of(a));
    }

    /** The cluster as {@code self} sees it. */
    private ClusterViews asSeenBy(HostInfo self) {
        return new ClusterViews(new Metadata(self), self.equals(A) ? onA.views : onB.views, this::ask,
                Duration.ofMillis(300));
    }

    private CompletableFuture<PeerAnswer> ask(HostInfo host, PeerQuery query) {
        asked.add(host);
        if (down.contains(host)) {
            return new CompletableFuture<>();
        }
        // Over the wire: the query and the answer as JSON, as the HTTP route carries them.
        PeerQuery sent = Json.read(Json.canonical(query), PeerQuery.class);
        List<String> held = movedTo.getOrDefault(host, partitionsOf(host));
        PeerAnswer answer = PeerAnswers.answer(host.equals(A) ? onA.views : onB.views, sent, held);
        return CompletableFuture.completedFuture(Json.read(Json.canonical(answer), PeerAnswer.class));
    }

    private static List<String> partitionsOf(HostInfo host) {
        int p = host.equals(A) ? 0 : 1;
        return List.of(Topics.ALERTS + "-" + p, Topics.EVENTS + "-" + p);
    }

    private final class Metadata implements ClusterViews.Cluster {
        private final HostInfo self;

        Metadata(HostInfo self) {
            this.self = self;
        }

        @Override
        public HostInfo self() {
            return self;
        }

        @Override
        public Map<HostInfo, Set<Integer>> owners(String store, String topic) {
            return Map.of(A, Set.of(0), B, Set.of(1));
        }

        @Override
        public ClusterViews.Owner ownerOf(String store, String key) {
            return (store.equals(WatchdogTopology.OPEN_BREACHES) ? ALERT_OWNERS : EVENT_OWNERS).get(key);
        }

        @Override
        public List<String> localPartitions() {
            return movedTo.getOrDefault(self, partitionsOf(self));
        }

        @Override
        public int partitionCount(String topic) {
            return partitionCount;
        }
    }

    /** Every query, asked of one cluster view, as canonical JSON: what the HTTP answers carry. */
    private static List<String> everything(Function<String, Object> q) {
        var out = new ArrayList<String>();
        for (String query : List.of("domains", "patches", "patches-3", "quarantined", "patches-beta", "quarantine",
                "quarantine-1", "quarantine-alpha", "alerts", "alerts-2", "alerts-alpha", "open", "open-alpha",
                "freeze-gamma", "freeze-delta", "outcomes-beta", "patch-b1", "patch-g2", "patch-none", "freezes",
                "overviews")) {
            out.add(query + " " + Json.canonical(q.apply(query)));
        }
        return out;
    }

    private static Object query(ClusterViews v, String q) {
        Instant since = T0.minusSeconds(60);
        return switch (q) {
            case "domains" -> v.domains();
            case "patches" -> v.patches(null, null, 50);
            case "patches-3" -> v.patches(null, null, 3);
            case "quarantined" -> v.patches(null, PatchStatus.QUARANTINED, 50);
            case "patches-beta" -> v.patches("beta", null, 50);
            case "quarantine" -> v.quarantine(null, 50);
            case "quarantine-1" -> v.quarantine(null, 1);
            case "quarantine-alpha" -> v.quarantine("alpha", 50);
            case "alerts" -> v.alerts(null, since, 50);
            case "alerts-2" -> v.alerts(null, since, 2);
            case "alerts-alpha" -> v.alerts("alpha", since, 50);
            case "open" -> v.openBreaches(null);
            case "open-alpha" -> v.openBreaches("alpha");
            case "freeze-gamma" -> v.freeze("gamma");
            case "freeze-delta" -> v.freeze("delta");
            case "outcomes-beta" -> v.outcomes("beta", T0, T0.plusSeconds(3600));
            case "patch-b1" -> v.patch("b1");
            case "patch-g2" -> v.patch("g2");
            case "patch-none" -> v.patch("none");
            case "freezes" -> v.freezes(ALL_DOMAINS);
            case "overviews" -> v.overviews(v.domains(), NOW);
            default -> throw new IllegalArgumentException(q);
        };
    }

    private static Object query(ViewQueries v, String q) {
        Instant since = T0.minusSeconds(60);
        return switch (q) {
            case "domains" -> v.domains();
            case "patches" -> v.patches(null, null, 50);
            case "patches-3" -> v.patches(null, null, 3);
            case "quarantined" -> v.patches(null, PatchStatus.QUARANTINED, 50);
            case "patches-beta" -> v.patches("beta", null, 50);
            case "quarantine" -> v.quarantine(null, 50);
            case "quarantine-1" -> v.quarantine(null, 1);
            case "quarantine-alpha" -> v.quarantine("alpha", 50);
            case "alerts" -> v.alerts(null, since, 50);
            case "alerts-2" -> v.alerts(null, since, 2);
            case "alerts-alpha" -> v.alerts("alpha", since, 50);
            case "open" -> v.openBreaches(null);
            case "open-alpha" -> v.openBreaches("alpha");
            case "freeze-gamma" -> v.freeze("gamma");
            case "freeze-delta" -> v.freeze("delta");
            case "outcomes-beta" -> v.outcomes("beta", T0, T0.plusSeconds(3600));
            case "patch-b1" -> v.patch("b1");
            case "patch-g2" -> v.patch("g2");
            case "patch-none" -> v.patch("none");
            // What one instance answers domain by domain, as Views.freezes and Views.overviews do alone.
            case "freezes" -> {
                var out = new TreeMap<String, Object>();
                ALL_DOMAINS.forEach(d -> v.freeze(d).ifPresent(f -> out.put(d, f)));
                yield out;
            }
            case "overviews" -> v.domains().stream().map(d -> new DomainOverview(d.domain(),
                    v.freeze(d.domain()).isPresent(), d, v.freeze(d.domain()).orElse(null), v.openBreaches(d.domain()),
                    v.outcomes(d.domain(), NOW.minus(Views.HOUR), NOW), v.outcomes(d.domain(), NOW.minus(Views.DAY), NOW)))
                    .toList();
            default -> throw new IllegalArgumentException(q);
        };
    }

    /** What a /health answer asks of the views: the domains, the open breaches and every domain's freeze. */
    private static Object healthAnswer(ClusterViews v) {
        List<String> names = v.domains().stream().map(d -> d.domain()).toList();
        return List.of(names, v.openBreaches(null), v.freezes(names));
    }

    @Test
    void aHealthAnswerAsksEachOtherInstanceAFixedNumberOfTimesWhateverItsDomains() {
        ClusterViews fromA = asSeenBy(A);
        healthAnswer(fromA);
        // domains and open breaches are gathered (one request each); every domain's freeze is one batch.
        assertThat(asked).as("B holds two domains' events; their freezes go in one request").containsExactly(B, B, B);

        asked.clear();
        fromA.freezes(ALL_DOMAINS);
        assertThat(asked).containsExactly(B);

        asked.clear();
        fromA.overviews(fromA.domains(), NOW);
        assertThat(asked).as("the domains gathered, then four questions about each of four domains in one request")
                .containsExactly(B, B);
    }

    @Test
    void aBatchFromAnInstanceWhosePartitionsMovedIsRefusedWhole() {
        movedTo.put(B, List.of(Topics.ALERTS + "-1"));
        ClusterViews fromA = asSeenBy(A);

        assertThatThrownBy(() -> fromA.freezes(ALL_DOMAINS)).isInstanceOf(ViewsUnavailable.class)
                .hasMessageContaining("patchbay.events-1");
        down.add(B);
        assertThatThrownBy(() -> fromA.overviews(onA.views.domains(), NOW)).isInstanceOf(ViewsUnavailable.class)
                .hasMessageContaining("did not answer");
    }

    @Test
    void aLastPartitionHeldByNobodyMakesListsUnavailable() {
        partitionCount = 3;
        ClusterViews fromA = asSeenBy(A);

        assertThatThrownBy(fromA::domains).isInstanceOf(ViewsUnavailable.class).hasMessageContaining("exactly one holder")
                .hasMessageContaining("of 3");
        assertThatThrownBy(() -> fromA.quarantine(null, 10)).isInstanceOf(ViewsUnavailable.class);
        assertThatThrownBy(() -> fromA.patch("b1")).isInstanceOf(ViewsUnavailable.class);
        assertThat(asked).as("refused before anybody is asked").isEmpty();
    }

    @Test
    void eitherInstanceAnswersEveryQueryAsOneInstanceHoldingEverything() {
        List<String> expected = everything(q -> query(whole.views, q));
        assertThat(expected).as("the cases are not empty").anyMatch(s -> s.startsWith("quarantine ") && s.contains("a2"))
                .anyMatch(s -> s.startsWith("alerts ") && s.contains("alpha held") && s.contains("bad edit"))
                .anyMatch(s -> s.startsWith("freezes ") && s.contains("77aa0b1c"))
                .anyMatch(s -> s.startsWith("overviews ") && s.contains("77aa0b1c") && s.contains("gamma held"));

        assertThat(everything(q -> query(asSeenBy(A), q))).containsExactlyElementsOf(expected);
        assertThat(everything(q -> query(asSeenBy(B), q))).containsExactlyElementsOf(expected);
        assertThat(asked).as("both instances were asked by the other").contains(A, B);
    }

    @Test
    void eachInstanceAloneHoldsOnlyPart() {
        assertThat(onA.views.domains()).extracting(d -> d.domain()).containsExactly("alpha", "gamma");
        assertThat(onA.views.patch("b1")).isEmpty();
        assertThat(asSeenBy(A).patch("b1")).hasValueSatisfying(p -> assertThat(p.domain()).isEqualTo("beta"));
        assertThat(onA.views.alerts(null, T0, 50)).as("alpha's alerts are held by B").extracting(Alert::message)
                .doesNotContain("alpha held");
    }

    @Test
    void aDomainQueryGoesToItsHolderOnlyAndAPatchHereAsksNobody() {
        ClusterViews fromA = asSeenBy(A);
        fromA.freeze("gamma");
        fromA.patch("a1");
        assertThat(asked).isEmpty();

        fromA.patches("delta", null, 10);
        assertThat(asked).containsExactly(B);
    }

    @Test
    void anInstanceThatDoesNotAnswerMakesListsAndUnfoundPatchesUnavailable() {
        down.add(B);
        ClusterViews fromA = asSeenBy(A);

        assertThatThrownBy(fromA::domains).isInstanceOf(ViewsUnavailable.class).hasMessageContaining("10.0.0.2")
                .hasMessageContaining("did not answer");
        assertThatThrownBy(() -> fromA.patch("b1")).isInstanceOf(ViewsUnavailable.class);
        assertThatThrownBy(() -> fromA.outcomes("beta", T0, T0.plusSeconds(60))).isInstanceOf(ViewsUnavailable.class);
        assertThat(fromA.patch("g1")).as("a patch this instance holds needs nobody").isPresent();
        assertThat(fromA.freeze("alpha")).as("a domain this instance holds needs nobody").isEmpty();
    }

    @Test
    void anInstanceWhosePartitionsMovedIsNotTakenForTheWhole() {
        movedTo.put(B, List.of(Topics.EVENTS + "-0", Topics.EVENTS + "-1"));
        ClusterViews fromA = asSeenBy(A);

        assertThatThrownBy(fromA::domains).isInstanceOf(ViewsUnavailable.class).hasMessageContaining("moving");

        movedTo.put(B, List.of());
        assertThatThrownBy(() -> fromA.freeze("beta")).isInstanceOf(ViewsUnavailable.class)
                .hasMessageContaining("patchbay.events-1");
    }

    @Test
    void oneInstanceHoldingEveryPartitionAsksNobody() {
        var alone = new ClusterViews(new ClusterViews.Cluster() {
            @Override
            public HostInfo self() {
                return A;
            }

            @Override
            public Map<HostInfo, Set<Integer>> owners(String store, String topic) {
                return Map.of(A, Set.of(0, 1));
            }

            @Override
            public ClusterViews.Owner ownerOf(String store, String key) {
                return new ClusterViews.Owner(A, 0);
            }

            @Override
            public List<String> localPartitions() {
                return List.of();
            }

            @Override
            public int partitionCount(String topic) {
                return 2;
            }
        }, whole.views, this::ask, Duration.ofMillis(300));

        assertThat(everything(q -> query(alone, q))).containsExactlyElementsOf(everything(q -> query(whole.views, q)));
        assertThat(asked).isEmpty();
    }

    @Test
    void partitionsWithoutExactlyOneHolderAreARebalance() {
        Partitions.checkComplete(Topics.EVENTS, 3, Map.of(A, Set.of(0, 2), B, Set.of(1)));
        assertThatThrownBy(() -> Partitions.checkComplete(Topics.EVENTS, 3, Map.of(A, Set.of(0), B, Set.of(2))))
                .isInstanceOf(ViewsUnavailable.class).hasMessageContaining("exactly one holder");
        assertThatThrownBy(() -> Partitions.checkComplete(Topics.EVENTS, 2, Map.of(A, Set.of(0, 1), B, Set.of(1))))
                .isInstanceOf(ViewsUnavailable.class);
        assertThatThrownBy(() -> Partitions.checkComplete(Topics.EVENTS, 2, Map.of()))
                .isInstanceOf(ViewsUnavailable.class);
        assertThatThrownBy(() -> Partitions.checkComplete(Topics.EVENTS, 3, Map.of(A, Set.of(0), B, Set.of(1))))
                .as("the last partition held by nobody").isInstanceOf(ViewsUnavailable.class)
                .hasMessageContaining("exactly one holder");
        assertThatThrownBy(() -> Partitions.checkComplete(Topics.EVENTS, 2, Map.of(A, Set.of(0), B, Set.of(1, 2))))
                .as("a partition the topic does not have").isInstanceOf(ViewsUnavailable.class);
    }
}
