package io.patchbay.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthRoutesTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String HEAD = "ab".repeat(32);
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
                sla: {queueDepth: 50, oldestPending: 15m, quarantine: 5}
              ops:
                workspace: var/workspaces/ops
                sla: {queueDepth: 20, oldestPending: 10m, quarantine: 3}
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    private final InMemoryViews views = new InMemoryViews();
    private final Map<String, AtomicBoolean> running = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Javalin app;

    @BeforeEach
    void startServer() {
        var services = new LinkedHashMap<String, BooleanSupplier>();
        for (String name : List.of("kafka", "decider", "worker", "watchdog", "spool")) {
            var flag = new AtomicBoolean(true);
            running.put(name, flag);
            services.put(name, flag::get);
        }
        var routes = new HealthRoutes(views, () -> CONTRACT, services,
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500));
        app = Javalin.create(cfg -> routes.addRoutes(cfg.routes)).start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer() {
        app.stop();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    private static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private static DomainView main(long queueDepth, long quarantined, Instant oldestPendingSince) {
        return new DomainView("main", queueDepth, 1, 0, quarantined, 7, 2, 1, 0, oldestPendingSince,
                NOW.minusSeconds(5), 42, HEAD);
    }

    private static PatchView patch(String id, String domain, PatchStatus status, Instant submittedAt) {
        return new PatchView(id, domain, "Fix " + id, status, "http:alice", submittedAt, submittedAt.plusSeconds(2),
                null, null, null, List.of(
                        new TimelineEntry(1, "Submitted", submittedAt, "submitted \"Fix " + id + "\" by http:alice"),
                        new TimelineEntry(2, "Accepted", submittedAt.plusSeconds(2), "allowed by contract test-1")));
    }

    @Test
    void healthyWhenEveryServiceRunsAndEveryFigureIsWithinTheContract() throws Exception {
        views.domains.put("main", main(3, 1, NOW.minus(Duration.ofMinutes(2))));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode json = body(response);
        assertThat(json.get("status").asText()).isEqualTo("healthy");
        assertThat(json.get("reasons")).isEmpty();
        assertThat(json.get("services").get("kafka").asBoolean()).isTrue();
        assertThat(json.get("services").size()).isEqualTo(5);
        JsonNode main = json.get("domains").get("main");
        assertThat(main.get("queueDepth").asLong()).isEqualTo(3);
        assertThat(main.get("inFlight").asLong()).isEqualTo(1);
        assertThat(main.get("quarantined").asLong()).isEqualTo(1);
        assertThat(main.get("succeeded").asLong()).isEqualTo(7);
        assertThat(main.get("failed").asLong()).isEqualTo(2);
        assertThat(main.get("rejected").asLong()).isEqualTo(1);
        assertThat(main.get("oldestPendingSince").asText()).isEqualTo("2026-11-23T11:58:00Z");
        assertThat(main.get("oldestPendingAgeSeconds").asLong()).isEqualTo(120);
        assertThat(main.get("lastEventAt").asText()).isEqualTo("2026-11-23T11:59:55Z");
        assertThat(main.get("headHash").asText()).isEqualTo(HEAD);
    }

    @Test
    void healthAsksEveryDomainsFreezeAtOnceNotDomainByDomain() throws Exception {
        views.domains.put("main", main(3, 1, NOW.minus(Duration.ofMinutes(2))));
        views.domains.put("docs", DomainView.empty("docs"));

        JsonNode json = body(get("/health"));

        assertThat(json.get("domains").fieldNames()).toIterable().containsExactly("docs", "main", "ops");
        assertThat(views.batches).containsExactly("freezes");
        assertThat(views.oneDomainQuestions).isEmpty();
    }

    @Test
    void everyContractDomainAppearsWithZerosBeforeItsFirstEvent() throws Exception {
        JsonNode json = body(get("/health"));

        assertThat(json.get("domains").fieldNames()).toIterable().containsExactly("main", "ops");
        JsonNode ops = json.get("domains").get("ops");
        assertThat(ops.get("queueDepth").asLong()).isZero();
        assertThat(ops.get("quarantined").asLong()).isZero();
        assertThat(ops.get("succeeded").asLong()).isZero();
        // Canonical JSON leaves out what has no value yet: no chain head, nothing pending.
        assertThat(ops.has("headHash")).isFalse();
        assertThat(ops.has("oldestPendingSince")).isFalse();
        assertThat(ops.get("lastSeq").asLong()).isZero();
    }

    @Test
    void unhealthyWith503WhenKafkaIsDown() throws Exception {
        running.get("kafka").set(false);

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode json = body(response);
        assertThat(json.get("status").asText()).isEqualTo("unhealthy");
        assertThat(json.get("services").get("kafka").asBoolean()).isFalse();
        assertThat(json.get("reasons").toString()).contains("Kafka is unreachable");
    }

    @Test
    void unhealthyWhenTheWatchdogIsNotRunningEvenIfDomainsAreAlsoOverTheirLimits() throws Exception {
        running.get("watchdog").set(false);
        views.domains.put("main", main(3, 9, null));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(body(response).get("status").asText()).isEqualTo("unhealthy");
    }

    @Test
    void degradedWhenQuarantineExceedsTheContractLimit() throws Exception {
        views.domains.put("main", main(0, 6, null));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = body(response);
        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons").get(0).asText())
                .isEqualTo("main: 6 patches in quarantine, more than the limit of 5");
    }

    @Test
    void degradedWhenQueueDepthExceedsTheContractLimit() throws Exception {
        views.domains.put("ops", new DomainView("ops", 21, 0, 0, 0, 0, 0, 0, 0, NOW.minusSeconds(30), NOW, 30, HEAD));

        JsonNode json = body(get("/health"));

        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons").get(0).asText()).isEqualTo("ops: 21 patches wait, more than the limit of 20");
    }

    @Test
    void degradedWhenTheOldestPendingPatchWaitedLongerThanTheLimit() throws Exception {
        views.domains.put("main", main(1, 0, NOW.minus(Duration.ofMinutes(16))));

        JsonNode json = body(get("/health"));

        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons").get(0).asText())
                .isEqualTo("main: the oldest pending patch has waited 960 s, longer than 15m");
    }

    @Test
    void figuresExactlyAtTheirLimitsAreStillHealthy() throws Exception {
        views.domains.put("main", main(50, 5, NOW.minus(Duration.ofMinutes(15))));

        JsonNode json = body(get("/health"));

        assertThat(json.get("status").asText()).isEqualTo("healthy");
    }

    @Test
    void degradedButServingWhileTheViewsAreNotReady() throws Exception {
        views.ready = false;

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = body(response);
        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons").get(0).asText()).contains("views are not being served");
    }

    @Test
    void liveAnswers200WhileTheProcessServesEvenWithServicesDown() throws Exception {
        running.values().forEach(f -> f.set(false));
        views.ready = false;

        var response = get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response).get("status").asText()).isEqualTo("live");
    }

    @Test
    void readyOnlyWhenEveryServiceRunsAndTheViewsAreServed() throws Exception {
        var ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(body(ready).get("ready").asBoolean()).isTrue();

        running.get("worker").set(false);
        views.ready = false;
        var notReady = get("/health/ready");

        assertThat(notReady.statusCode()).isEqualTo(503);
        JsonNode json = body(notReady);
        assertThat(json.get("ready").asBoolean()).isFalse();
        assertThat(json.get("notReady")).extracting(JsonNode::asText).containsExactly("worker", "views");
    }

    @Test
    void serviceWhoseProbeThrowsCountsAsDown() throws Exception {
        var services = Map.<String, BooleanSupplier>of("spool", () -> {
            throw new IllegalStateException("spool folder vanished");
        });
        var report = new HealthRoutes(views, () -> CONTRACT, services,
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500)).report();

        assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        assertThat(report.services()).containsEntry("spool", false);
    }

    @Test
    void patchByIdAnswersItsStatusAndTimeline() throws Exception {
        views.patches.put("p1", patch("p1", "main", PatchStatus.ACCEPTED, NOW.minusSeconds(60)));

        var response = get("/v1/patches/p1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("application/json");
        JsonNode json = body(response);
        assertThat(json.get("id").asText()).isEqualTo("p1");
        assertThat(json.get("status").asText()).isEqualTo("Accepted");
        assertThat(json.get("timeline")).extracting(e -> e.get("type").asText()).containsExactly("Submitted", "Accepted");
        assertThat(Json.read(response.body(), PatchView.class)).isEqualTo(views.patches.get("p1"));
    }

    @Test
    void unknownPatchIsA404Problem() throws Exception {
        var response = get("/v1/patches/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(contentType(response)).startsWith("application/problem+json");
        JsonNode json = body(response);
        assertThat(json.get("status").asInt()).isEqualTo(404);
        assertThat(json.get("title").asText()).isEqualTo("Patch not found");
        assertThat(json.get("type").asText()).isEqualTo("urn:patchbay:problem:patch-not-found");
        assertThat(json.get("detail").asText()).contains("nope");
    }

    @Test
    void patchListPassesDomainStatusAndLimitToTheViewsAndAnswersNewestFirst() throws Exception {
        views.patches.put("a", patch("a", "main", PatchStatus.QUEUED, NOW.minusSeconds(300)));
        views.patches.put("b", patch("b", "main", PatchStatus.QUEUED, NOW.minusSeconds(200)));
        views.patches.put("c", patch("c", "main", PatchStatus.SUCCEEDED, NOW.minusSeconds(100)));
        views.patches.put("o", patch("o", "ops", PatchStatus.QUEUED, NOW.minusSeconds(50)));

        var response = get("/v1/patches?domain=main&status=Queued&limit=5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body(response)).extracting(p -> p.get("id").asText()).containsExactly("b", "a");
        assertThat(views.listCalls).last().isEqualTo(new InMemoryViews.ListCall("main", PatchStatus.QUEUED, 5));

        var all = get("/v1/patches");
        assertThat(body(all)).extracting(p -> p.get("id").asText()).containsExactly("o", "c", "b", "a");
        assertThat(views.listCalls).last().isEqualTo(new InMemoryViews.ListCall(null, null, 50));
    }

    @Test
    void badStatusOrLimitIsA400Problem() throws Exception {
        var badStatus = get("/v1/patches?status=Exploded");
        assertThat(badStatus.statusCode()).isEqualTo(400);
        assertThat(contentType(badStatus)).startsWith("application/problem+json");
        assertThat(body(badStatus).get("detail").asText()).contains("Exploded").contains("Quarantined");

        for (String limit : List.of("0", "501", "ten")) {
            var badLimit = get("/v1/patches?limit=" + limit);
            assertThat(badLimit.statusCode()).as("limit=%s", limit).isEqualTo(400);
            assertThat(body(badLimit).get("detail").asText()).contains("from 1 to 500");
        }
        assertThat(views.listCalls).isEmpty();
    }

    @Test
    void patchListOfAnUnknownDomainIsA404Problem() throws Exception {
        var response = get("/v1/patches?domain=nowhere");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).get("type").asText()).isEqualTo("urn:patchbay:problem:domain-not-found");
    }

    @Test
    void domainsListsEveryContractDomainAndEveryDomainSeenInTheLog() throws Exception {
        views.domains.put("main", main(2, 0, NOW.minusSeconds(10)));
        views.domains.put("legacy", new DomainView("legacy", 0, 0, 0, 0, 4, 0, 0, 0, null, NOW, 4, HEAD));

        var response = get("/v1/domains");

        assertThat(response.statusCode()).isEqualTo(200);
        DomainView[] domains = Json.read(response.body(), DomainView[].class);
        assertThat(domains).extracting(DomainView::domain).containsExactly("legacy", "main", "ops");
        assertThat(domains[1]).isEqualTo(views.domains.get("main"));
        assertThat(domains[2]).isEqualTo(DomainView.empty("ops"));
    }

    @Test
    void readsAnswer503ProblemWhileTheViewsAreNotReady() throws Exception {
        views.ready = false;
        views.patches.put("p1", patch("p1", "main", PatchStatus.QUEUED, NOW));

        for (String path : List.of("/v1/patches/p1", "/v1/patches", "/v1/domains")) {
            var response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(503);
            assertThat(contentType(response)).as(path).startsWith("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("1");
        }
    }

    @Test
    void failingViewsAreAnsweredAsA500Problem() throws Exception {
        views.failure = new IllegalStateException("store closed");

        var response = get("/v1/domains");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(contentType(response)).startsWith("application/problem+json");
        assertThat(body(response).get("detail").asText()).doesNotContain("store closed")
                .contains(body(response).get("errorId").asText());
        assertThat(body(response).get("instance").asText()).isEqualTo("/v1/domains");
    }

    @Test
    void degradedWhileADomainIsFrozenSayingWhatDrifted() throws Exception {
        views.freezes.put("main", new Freeze("main", NOW.minusSeconds(600), 40, "3f2a9c0d1e2b3f2a", "77aa0b1c2d3e77aa",
                "README.md modified outside patchbay"));

        var response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = body(response);
        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons").get(0).asText()).isEqualTo("main is frozen: drift found at 2026-11-23T11:50:00Z"
                + " (HEAD 77aa0b1c2d3e, the log expects 3f2a9c0d1e2b; README.md modified outside patchbay);"
                + " its patches wait until an operator adopts or resets the workspace");
        assertThat(json.get("domains").get("main").get("frozen").asBoolean()).isTrue();
        assertThat(json.get("domains").get("ops").get("frozen").asBoolean()).isFalse();
    }

    @Test
    void frozenDomainNamesTheFirstTenDriftedFilesInTheReasonAndListsThemAllInItsOverview() throws Exception {
        List<String> files = java.util.stream.IntStream.rangeClosed(1, 12).mapToObj(i -> "src/f" + (100 + i) + ".txt")
                .toList();
        views.freezes.put("main", new Freeze("main", NOW.minusSeconds(600), 40, "3f2a9c0d1e2b3f2a", "77aa0b1c2d3e77aa",
                "12 files changed outside patchbay", files));

        String reason = body(get("/health")).get("reasons").get(0).asText();

        assertThat(reason).contains("; files: src/f101.txt, src/f102.txt, src/f103.txt, src/f104.txt, src/f105.txt,"
                + " src/f106.txt, src/f107.txt, src/f108.txt, src/f109.txt, src/f110.txt and 2 more);")
                .doesNotContain("src/f111.txt");
        JsonNode freeze = body(get("/v1/domains/main")).get("freeze");
        assertThat(freeze.get("files")).extracting(JsonNode::asText).containsExactlyElementsOf(files);
        assertThat(freeze.has("namedFiles")).isFalse();
    }

    @Test
    void frozenDomainWhoseDriftListsNoFilesSaysNoFiles() throws Exception {
        views.freezes.put("main", new Freeze("main", NOW.minusSeconds(600), 40, "3f2a9c0d", "77aa0b1c", "HEAD moved"));

        assertThat(body(get("/health")).get("reasons").get(0).asText()).doesNotContain("files:");
        assertThat(body(get("/v1/domains/main")).get("freeze").get("files")).isEmpty();
    }

    @Test
    void degradedByAnOpenBreachTheFiguresCannotShowAndEachLimitSaidOnce() throws Exception {
        views.domains.put("main", main(51, 0, null));
        views.open.add(new Alert("main", "SlaBreached", "sla.successRate=0.8", "0.50", List.of("p1"), NOW.minusSeconds(30),
                "main: 1 of 2 patches that ran in the last hour succeeded (50%), below the limit of 80%"));
        views.open.add(new Alert("main", "SlaBreached", "sla.queueDepth=50", "51", List.of(), NOW.minusSeconds(30),
                "main: 51 patches wait, more than the limit of 50"));

        JsonNode json = body(get("/health"));

        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons")).extracting(JsonNode::asText).containsExactly(
                "main: 51 patches wait, more than the limit of 50",
                "main: 1 of 2 patches that ran in the last hour succeeded (50%), below the limit of 80%");
        assertThat(json.get("domains").get("main").get("slaBreaches")).extracting(JsonNode::asText)
                .containsExactly("sla.successRate=0.8", "sla.queueDepth=50");
    }
}
