package io.patchbay.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
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

/** The health routes and metrics over in-memory views on a loopback port, at a fixed time. */
final class TestServer implements AutoCloseable {

    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    static final String HEAD = "ab".repeat(32);
    static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
                sla: {queueDepth: 50, oldestPending: 15m, quarantine: 5}
              ops:
                workspace: var/workspaces/ops
                sla: {queueDepth: 20, oldestPending: 10m, quarantine: 3}
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    final InMemoryViews views = new InMemoryViews();
    final Map<String, AtomicBoolean> running = new LinkedHashMap<>();
    final Metrics metrics;
    private final Javalin app;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestServer() {
        var services = new LinkedHashMap<String, BooleanSupplier>();
        for (String name : List.of("kafka", "decider", "worker", "watchdog", "spool")) {
            var flag = new AtomicBoolean(true);
            running.put(name, flag);
            services.put(name, flag::get);
        }
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        var routes = new HealthRoutes(views, () -> CONTRACT, services, new HealthConfig(clock, 50, 500));
        metrics = new Metrics(views, clock);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            routes.addRoutes(cfg.routes);
            metrics.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws IOException, InterruptedException {
        return Json.mapper().readTree(get(path).body());
    }

    static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    static DomainView domain(String name, long queueDepth, long quarantined) {
        return new DomainView(name, queueDepth, 1, 2, quarantined, 7, 2, 1, 0, NOW.minusSeconds(90), NOW.minusSeconds(5),
                42, HEAD);
    }

    static PatchView patch(String id, String domain, PatchStatus status, Instant submittedAt, String summaryPath) {
        return new PatchView(id, domain, "Fix " + id, status, "http:alice", submittedAt, submittedAt.plusSeconds(2),
                null, summaryPath, null, List.of(new PatchView.TimelineEntry(1, "Submitted", submittedAt, "submitted")));
    }

    @Override
    public void close() {
        app.stop();
        metrics.close();
    }
}
