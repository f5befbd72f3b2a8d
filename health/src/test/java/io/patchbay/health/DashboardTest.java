package io.patchbay.health;

import static io.patchbay.health.TestServer.NOW;
import static io.patchbay.health.TestServer.contentType;
import static io.patchbay.health.TestServer.domain;
import static io.patchbay.health.TestServer.patch;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.PatchStatus;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DashboardTest {

    private final TestServer server = new TestServer();
    private final InMemoryViews views = server.views;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void pageIsServedAsHtmlWithTheElementsAScriptOrAPersonLooksFor() throws Exception {
        var response = server.get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("text/html");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(response.body())
                .contains("<title>patchbay</title>")
                .contains("id=\"overall\"", "id=\"reasons\"", "id=\"updated-at\"")
                .contains("<table id=\"domains\">", "<table id=\"patches\">", "<ul id=\"alerts\">")
                .contains("data-ready=\"false\"")
                .contains("fetch(\"/v1/dashboard\"")
                .contains("setTimeout(poll, POLL_MS)", "const POLL_MS = 2000;")
                // Data attributes the browser test reads, and text set only through textContent.
                .contains("\"data-patch-id\"", "\"data-domain\"", "\"data-frozen\"", "\"data-sla\"", "\"data-alert-kind\"")
                .doesNotContain("innerHTML");
    }

    @Test
    void dataAsksAboutEveryDomainAtOnceNotDomainByDomain() throws Exception {
        for (String d : List.of("main", "ops", "docs")) {
            views.domains.put(d, domain(d, 1, 0));
        }
        views.freezes.put("ops", new Freeze("ops", NOW.minusSeconds(60), 9, "aaaa", "bbbb", "tree not clean"));

        JsonNode data = server.json("/v1/dashboard");

        assertThat(data.get("domains")).hasSize(3);
        assertThat(views.batches).containsExactly("freezes", "overviews");
        assertThat(views.oneDomainQuestions).isEmpty();
    }

    @Test
    void dataHasEveryDomainsQueueSlaAndFreezeRecentPatchesWithSummaryLinksAndAlerts() throws Exception {
        views.domains.put("main", domain("main", 3, 1));
        views.freezes.put("ops", new Freeze("ops", NOW.minusSeconds(60), 9, "aaaa", "bbbb", "tree not clean"));
        views.open.add(new Alert("main", "SlaBreached", "sla.successRate=0.8", "0.50", List.of("p2"), NOW.minusSeconds(20), "m"));
        views.alerts.add(new Alert("main", "SlaBreached", "sla.successRate=0.8", "0.50", List.of("p2"), NOW.minusSeconds(20),
                "main: 1 of 2 patches that ran in the last hour succeeded (50%), below the limit of 80%"));
        views.patches.put("p1", patch("p1", "main", PatchStatus.SUCCEEDED, NOW.minusSeconds(50), "var/summaries/main/p1.md"));
        views.patches.put("p 2", patch("p 2", "main", PatchStatus.QUEUED, NOW.minusSeconds(10), null));

        var response = server.get("/v1/dashboard");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode data = server.json("/v1/dashboard");
        assertThat(data.get("status").asText()).isEqualTo("degraded");
        assertThat(data.get("viewsReady").asBoolean()).isTrue();
        assertThat(data.get("generatedAt").asText()).isEqualTo("2026-11-23T12:00:00Z");
        assertThat(data.get("reasons")).extracting(JsonNode::asText).anyMatch(r -> r.startsWith("ops is frozen"));

        assertThat(data.get("domains")).extracting(d -> d.get("domain").asText()).containsExactly("main", "ops");
        JsonNode main = data.get("domains").get(0);
        assertThat(main.get("figures").get("queueDepth").asLong()).isEqualTo(3);
        assertThat(main.get("frozen").asBoolean()).isFalse();
        assertThat(main.get("slaBreaches").get(0).get("limit").asText()).isEqualTo("sla.successRate=0.8");
        assertThat(main.get("lastHour").get("succeeded").asLong()).isZero();
        JsonNode ops = data.get("domains").get(1);
        assertThat(ops.get("frozen").asBoolean()).isTrue();
        assertThat(ops.get("freeze").get("detail").asText()).isEqualTo("tree not clean");

        assertThat(data.get("patches")).extracting(p -> p.get("id").asText()).containsExactly("p 2", "p1");
        assertThat(data.get("patches").get(0).has("summaryUrl")).isFalse();
        assertThat(data.get("patches").get(0).get("status").asText()).isEqualTo("Queued");
        assertThat(data.get("patches").get(1).get("summaryUrl").asText()).isEqualTo("/v1/patches/p1/summary");
        assertThat(data.get("alerts").get(0).get("kind").asText()).isEqualTo("SlaBreached");
    }

    @Test
    void everyPatchThatEndedLinksItsSummaryEvenWithoutAWorkersFile() {
        assertThat(Dashboard.PatchRow.of(patch("r1", "main", PatchStatus.REJECTED, NOW, null)).summaryUrl())
                .isEqualTo("/v1/patches/r1/summary");
        assertThat(Dashboard.PatchRow.of(patch("q1", "main", PatchStatus.QUEUED, NOW, null)).summaryUrl()).isNull();
    }

    @Test
    void summaryLinksEscapeThePatchId() {
        var row = Dashboard.PatchRow.of(patch("fix readme/typo?", "main", PatchStatus.FAILED, NOW, "var/summaries/x.md"));

        assertThat(row.summaryUrl()).isEqualTo("/v1/patches/fix%20readme%2Ftypo%3F/summary");
    }

    @Test
    void dataAnswersWhileTheViewsAreNotServedSoThePageCanSayWhy() throws Exception {
        views.ready = false;

        var response = server.get("/v1/dashboard");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode data = server.json("/v1/dashboard");
        assertThat(data.get("viewsReady").asBoolean()).isFalse();
        assertThat(data.get("status").asText()).isEqualTo("degraded");
        assertThat(data.get("reasons").get(0).asText()).contains("views are not being served");
    }
}
