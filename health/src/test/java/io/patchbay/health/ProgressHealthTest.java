package io.patchbay.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A service whose input waits unprocessed is unhealthy and not ready, however RUNNING its clients are. */
class ProgressHealthTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");
    private static final String STALL =
            "decider: patchbay.commands-0 has 12 records waiting, unprocessed for 95 s (committed offset 40, end 52)";

    private final InMemoryViews views = new InMemoryViews();
    private final AtomicBoolean kafka = new AtomicBoolean(true);
    private final AtomicReference<ServiceProgress> decider = new AtomicReference<>(ServiceProgress.MOVING);
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        var services = new LinkedHashMap<String, BooleanSupplier>();
        services.put("kafka", kafka::get);
        services.put("decider", () -> true);
        services.put("worker", () -> true);
        var routes = new HealthRoutes(views, () -> CONTRACT, services,
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500))
                .progressBy("decider", decider::get)
                .progressBy("worker", () -> ServiceProgress.MOVING);
        app = Javalin.create(cfg -> routes.addRoutes(cfg.routes)).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    @Test
    void aStalledServiceIsUnhealthyWithItsPartitionAndNotReadyUntilItMovesAgain() throws Exception {
        decider.set(new ServiceProgress(List.of(STALL), Optional.empty()));

        var health = get("/health");
        var ready = get("/health/ready");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(json(health).get("status").asText()).isEqualTo("unhealthy");
        assertThat(json(health).get("reasons")).extracting(JsonNode::asText).containsExactly(STALL);
        assertThat(json(health).get("services").get("decider").asBoolean()).as("its client still runs").isTrue();
        assertThat(json(health).get("progress").get("decider").asBoolean()).isFalse();
        assertThat(json(health).get("progress").get("worker").asBoolean()).isTrue();
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(json(ready).get("ready").asBoolean()).isFalse();
        assertThat(json(ready).get("notReady")).extracting(JsonNode::asText).containsExactly("decider");

        decider.set(ServiceProgress.MOVING);

        assertThat(get("/health").statusCode()).isEqualTo(200);
        assertThat(json(get("/health")).get("status").asText()).isEqualTo("healthy");
        assertThat(json(get("/health")).get("progress").get("decider").asBoolean()).isTrue();
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aServiceBothStoppedAndStalledIsNamedOnceAmongTheNotReady() throws Exception {
        var services = new LinkedHashMap<String, BooleanSupplier>();
        services.put("decider", () -> false);
        var routes = new HealthRoutes(views, () -> CONTRACT, services,
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500))
                .progressBy("decider", () -> new ServiceProgress(List.of(STALL), Optional.empty()));
        Javalin other = Javalin.create(cfg -> routes.addRoutes(cfg.routes)).start("127.0.0.1", 0);
        try {
            var ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port() + "/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(json(ready).get("notReady")).extracting(JsonNode::asText).containsExactly("decider");
            assertThat(routes.report().reasons()).containsExactly("decider is not running", STALL);
        } finally {
            other.stop();
        }
    }

    @Test
    void progressThatCannotBeMeasuredDegradesAndStaysReady() throws Exception {
        decider.set(ServiceProgress.unmeasured("decider: whether it makes progress cannot be told (timed out)"));

        var health = get("/health");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(json(health).get("status").asText()).isEqualTo("degraded");
        assertThat(json(health).get("reasons")).extracting(JsonNode::asText)
                .containsExactly("decider: whether it makes progress cannot be told (timed out)");
        assertThat(json(health).get("progress").get("decider").asBoolean()).isTrue();
        assertThat(get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void unreadableOffsetsWhileKafkaIsUnreachableAreNotSaidTwice() throws Exception {
        kafka.set(false);
        decider.set(ServiceProgress.unmeasured("decider: whether it makes progress cannot be told (timed out)"));

        var health = get("/health");

        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(json(health).get("reasons")).extracting(JsonNode::asText).containsExactly("Kafka is unreachable");
    }

    @Test
    void aProgressSourceThatThrowsDegradesWithoutTakingPatchbayDown() {
        var report = new HealthRoutes(views, () -> CONTRACT, new LinkedHashMap<>(),
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500)).progressBy("worker", () -> {
                    throw new IllegalStateException("boom");
                }).report();

        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(report.reasons()).singleElement().asString().contains("worker cannot tell whether it makes progress");
    }
}
