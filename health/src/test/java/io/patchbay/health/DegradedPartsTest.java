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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A part patches do not need (Slack) degrades patchbay with its reason; only what runs patches makes it unhealthy. */
class DegradedPartsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    private final InMemoryViews views = new InMemoryViews();
    private final AtomicBoolean kafka = new AtomicBoolean(true);
    private final AtomicReference<Optional<String>> slack = new AtomicReference<>(Optional.empty());
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        var services = new LinkedHashMap<String, BooleanSupplier>();
        services.put("kafka", kafka::get);
        var routes = new HealthRoutes(views, () -> CONTRACT, services,
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500)).degradedBy("slack", slack::get);
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

    @Test
    void anUnreachableSlackIsDegradedWithItsReasonAndStillReady() throws Exception {
        slack.set(Optional.of("Slack's Web API is out of reach (auth.test answered HTTP 503)"));

        var health = get("/health");
        var ready = get("/health/ready");

        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode json = Json.mapper().readTree(health.body());
        assertThat(json.get("status").asText()).isEqualTo("degraded");
        assertThat(json.get("reasons")).extracting(JsonNode::asText)
                .containsExactly("Slack's Web API is out of reach (auth.test answered HTTP 503)");
        assertThat(json.get("services").get("slack").asBoolean()).isFalse();
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    @Test
    void healthyAgainWhenSlackAnswersAndUnhealthyOnlyForKafka() throws Exception {
        slack.set(Optional.of("out of reach"));
        assertThat(Json.mapper().readTree(get("/health").body()).get("status").asText()).isEqualTo("degraded");

        slack.set(Optional.empty());
        var healthy = get("/health");
        assertThat(healthy.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(healthy.body()).get("status").asText()).isEqualTo("healthy");
        assertThat(Json.mapper().readTree(healthy.body()).get("services").get("slack").asBoolean()).isTrue();

        kafka.set(false);
        slack.set(Optional.of("out of reach"));
        var down = get("/health");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(Json.mapper().readTree(down.body()).get("status").asText()).isEqualTo("unhealthy");
        assertThat(Json.mapper().readTree(down.body()).get("reasons")).extracting(JsonNode::asText)
                .contains("Kafka is unreachable", "out of reach");
    }

    @Test
    void aPartWhoseProbeThrowsDegradesButDoesNotTakePatchbayDown() {
        var report = new HealthRoutes(views, () -> CONTRACT, new LinkedHashMap<>(),
                new HealthConfig(Clock.fixed(NOW, ZoneOffset.UTC), 50, 500)).degradedBy("slack", () -> {
                    throw new IllegalStateException("boom");
                }).report();

        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(report.reasons()).singleElement().asString().contains("slack cannot tell its state");
    }
}
