package io.patchbay.app;

import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Waits until {@code GET /health/ready} answers 200, the moment patchbay really takes and runs
 * patches: after start-up returns, the Streams applications still rebalance for a few seconds. Asks
 * over HTTP, as a load balancer would, so that "ready" means the same to both. While waiting it
 * says now and then what is not ready yet, so a long wait (a slow broker, a restore) is not silence.
 */
final class Readiness {

    static final Duration POLL = Duration.ofMillis(200);
    /** When to first say what is not ready, and how often after that. */
    static final Duration FIRST_WORD = Duration.ofSeconds(3);
    static final Duration EVERY = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI ready;
    private final PrintStream progress;

    Readiness(String host, int port, PrintStream progress) {
        String reachable = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
        this.ready = URI.create("http://" + (reachable.contains(":") ? "[" + reachable + "]" : reachable) + ":" + port
                + "/health/ready");
        this.progress = progress;
    }

    /** Blocks until ready; returns how long that took. */
    Duration await() throws InterruptedException {
        long began = System.nanoTime();
        long nextWord = began + FIRST_WORD.toNanos();
        while (true) {
            List<String> notReady = notReady();
            if (notReady.isEmpty()) {
                return Duration.ofNanos(System.nanoTime() - began);
            }
            long now = System.nanoTime();
            if (now >= nextWord) {
                progress.println("patchbay: starting; not ready yet: " + String.join(", ", notReady));
                progress.flush();
                nextWord = now + EVERY.toNanos();
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** What {@code /health/ready} names as not ready; empty once it answers 200. */
    private List<String> notReady() throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return List.of();
            }
            var out = new ArrayList<String>();
            Json.mapper().readTree(r.body()).path("notReady").forEach(n -> out.add(n.asText()));
            return out.isEmpty() ? List.of("HTTP " + r.statusCode()) : out;
        } catch (IOException e) {
            return List.of("the HTTP server (" + e.getClass().getSimpleName() + ")");
        }
    }
}
