package io.patchbay.bench;

import io.patchbay.app.Patchbay;
import io.patchbay.app.PatchbayConfig;
import io.patchbay.app.Role;
import io.patchbay.contracts.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * A patchbay started on the bench's broker with a token of its own whose request budget does not
 * throttle the benchmark, and the HTTP calls the measures make to it.
 */
record BenchNode(Patchbay patchbay, String base, String token) implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static BenchNode start(String bootstrap, Path home, Path contract, Set<Role> roles, Map<String, String> env)
            throws Exception {
        String token = "pb_bench-" + System.nanoTime();
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), "tokens:\n  - {name: bench, sha256: "
                + Json.sha256Hex(token) + ", domains: [\"*\"], requestsPerMinute: 100000000}\n");
        PatchbayConfig config = new PatchbayConfig(home, "127.0.0.1", 0, 0, bootstrap, contract, 3, (short) 1, roles);
        Patchbay patchbay = Patchbay.start(config, env);
        BenchNode node = new BenchNode(patchbay, "http://127.0.0.1:" + patchbay.httpPort(), token);
        if (roles.contains(Role.WATCHDOG)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (get(node.base + "/health/ready") != 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return node;
    }

    /** Submits a patch and returns its id; anything but 202 stops the measure. */
    String submit(String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/patches"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("the inbox answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body()).path("id").asText();
    }

    static int get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A JSON string literal. */
    static String quote(String s) {
        try {
            return Json.mapper().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        patchbay.close();
    }
}
