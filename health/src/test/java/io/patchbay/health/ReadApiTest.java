package io.patchbay.health;

import static io.patchbay.health.TestServer.NOW;
import static io.patchbay.health.TestServer.contentType;
import static io.patchbay.health.TestServer.domain;
import static io.patchbay.health.TestServer.patch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Digest;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Latency;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadApiTest {

    private final TestServer server = new TestServer();
    private final InMemoryViews views = server.views;

    @AfterEach
    void stop() {
        server.close();
    }

    private static Alert alert(String domain, String kind, String limit, Duration ago) {
        return new Alert(domain, kind, limit, "9", List.of("p1"), NOW.minus(ago), domain + ": " + kind + " " + limit);
    }

    private static Outcomes outcomes() {
        return new Outcomes(NOW, NOW, 8, 2, 1, 0, 0, 0, Map.of("GATE_FAILED", 2L), new Latency(10, 4000, 9000, 12000, 12000),
                0.8, 0.7, 6);
    }

    @Test
    void quarantineListsTheHeldPatchesOfOneOrEveryDomain() throws Exception {
        views.patches.put("q1", patch("q1", "main", PatchStatus.QUARANTINED, NOW.minusSeconds(60), null));
        views.patches.put("q2", patch("q2", "ops", PatchStatus.QUARANTINED, NOW.minusSeconds(30), null));
        views.patches.put("ok", patch("ok", "main", PatchStatus.SUCCEEDED, NOW.minusSeconds(10), null));

        var all = server.get("/v1/quarantine");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(all.body())).extracting(p -> p.get("id").asText()).containsExactlyInAnyOrder("q1", "q2");
        assertThat(server.json("/v1/quarantine?domain=ops")).extracting(p -> p.get("id").asText()).containsExactly("q2");
        assertThat(server.get("/v1/quarantine?domain=nowhere").statusCode()).isEqualTo(404);
        assertThat(server.get("/v1/quarantine?limit=0").statusCode()).isEqualTo(400);
    }

    @Test
    void alertsListTheLastDayNewestFirstByDefaultAndTheOpenBreachesOnRequest() throws Exception {
        views.alerts.add(alert("main", "SlaBreached", "sla.queueDepth=50", Duration.ofHours(2)));
        views.alerts.add(alert("ops", "Stuck", "sla.runTime=5m", Duration.ofMinutes(5)));
        views.alerts.add(alert("main", "SlaRecovered", "sla.queueDepth=50", Duration.ofHours(30)));
        views.open.add(alert("main", "SlaBreached", "sla.queueDepth=50", Duration.ofHours(2)));

        var recent = server.get("/v1/alerts");
        assertThat(recent.statusCode()).isEqualTo(200);
        assertThat(Json.read(recent.body(), Alert[].class)).extracting(Alert::kind).containsExactly("Stuck", "SlaBreached");
        assertThat(views.alertsAskedSince).last().isEqualTo(NOW.minus(Duration.ofHours(24)));

        assertThat(Json.read(server.get("/v1/alerts?domain=main&since=7d").body(), Alert[].class))
                .extracting(Alert::kind).containsExactly("SlaBreached", "SlaRecovered");
        assertThat(Json.read(server.get("/v1/alerts?since=1h&limit=5").body(), Alert[].class)).extracting(Alert::kind)
                .containsExactly("Stuck");
        assertThat(Json.read(server.get("/v1/alerts?open=true").body(), Alert[].class)).extracting(Alert::limit)
                .containsExactly("sla.queueDepth=50");
        assertThat(Json.read(server.get("/v1/alerts?open=true&domain=ops").body(), Alert[].class)).isEmpty();
    }

    @Test
    void aPeriodThatIsNoDurationOrLongerThanAWeekIsA400Problem() throws Exception {
        for (String since : List.of("yesterday", "8d", "0s", "-1h")) {
            for (String path : List.of("/v1/alerts?since=", "/v1/digest?since=")) {
                var response = server.get(path + since);
                assertThat(response.statusCode()).as(path + since).isEqualTo(400);
                assertThat(contentType(response)).startsWith("application/problem+json");
                assertThat(server.json(path + since).get("detail").asText()).as(path + since).contains("since");
            }
        }
    }

    @Test
    void digestCountsEachDomainsEndingsBreachesAndChainHeadOverThePeriodAsked() throws Exception {
        views.domains.put("main", domain("main", 3, 1));
        views.outcomes.put("main", outcomes());
        views.alerts.add(alert("main", "SlaBreached", "sla.queueDepth=50", Duration.ofHours(2)));
        views.alerts.add(alert("main", "SlaRecovered", "sla.queueDepth=50", Duration.ofHours(1)));
        views.alerts.add(alert("main", "Stuck", "sla.runTime=10m", Duration.ofHours(30)));
        views.freezes.put("main", new Freeze("main", NOW, 40, "a", "b", "drift"));

        var response = server.get("/v1/digest?since=24h");

        assertThat(response.statusCode()).isEqualTo(200);
        Digest digest = Json.read(response.body(), Digest.class);
        assertThat(digest.since()).isEqualTo(NOW.minus(Duration.ofHours(24)));
        assertThat(digest.until()).isEqualTo(NOW);
        assertThat(digest.domains()).hasSize(1);
        Digest.Domain main = digest.domains().get(0);
        assertThat(main.headHash()).isEqualTo(TestServer.HEAD);
        assertThat(main.lastSeq()).isEqualTo(42);
        assertThat(main.outcomes().succeeded()).isEqualTo(8);
        assertThat(main.outcomes().failuresByClass()).containsEntry("GATE_FAILED", 2L);
        assertThat(main.outcomes().meanScore()).isEqualTo(0.7);
        assertThat(main.slaBreaches()).extracting(Alert::kind).containsExactly("SlaBreached");
        assertThat(main.frozen()).isTrue();

        assertThat(Json.read(server.get("/v1/digest?since=48h").body(), Digest.class).domains().get(0).slaBreaches())
                .extracting(Alert::kind).containsExactly("Stuck", "SlaBreached");
        assertThat(Json.read(server.get("/v1/digest").body(), Digest.class).since()).isEqualTo(NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void domainOverviewHasTheFiguresFreezeBreachesAndTheLastHourAndDay() throws Exception {
        views.domains.put("main", domain("main", 3, 1));
        views.outcomes.put("main", outcomes());
        views.open.add(alert("main", "SlaBreached", "sla.successRate=0.9", Duration.ofMinutes(3)));

        var response = server.get("/v1/domains/main");

        assertThat(response.statusCode()).isEqualTo(200);
        DomainOverview o = Json.read(response.body(), DomainOverview.class);
        assertThat(o.figures()).isEqualTo(views.domains.get("main"));
        assertThat(o.frozen()).isFalse();
        assertThat(o.slaBreaches()).extracting(Alert::limit).containsExactly("sla.successRate=0.9");
        assertThat(o.lastHour().since()).isEqualTo(NOW.minus(Duration.ofHours(1)));
        assertThat(o.lastDay().since()).isEqualTo(NOW.minus(Duration.ofDays(1)));
        assertThat(o.lastHour().latency().p90Ms()).isEqualTo(9000);

        JsonNode ops = server.json("/v1/domains/ops");
        assertThat(ops.get("figures").get("queueDepth").asLong()).isZero();
        assertThat(server.get("/v1/domains/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void newReadsAnswer503WhileTheViewsAreNotReady() throws Exception {
        views.ready = false;

        for (String path : List.of("/v1/quarantine", "/v1/alerts", "/v1/digest", "/v1/domains/main")) {
            var response = server.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("1");
        }
    }
}
