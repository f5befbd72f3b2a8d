package io.patchbay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.app.Main;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * R1 and R2: how soon {@code patchbay up} is back after a crash with a long log. One process with its
 * embedded broker is filled with {@code events} events (synthetic patch lives written to the log,
 * which the watchdog folds into its stores, and real patches through the inbox, which fill the
 * decider's), then killed with SIGKILL, process tree and broker together, and started again: the
 * time from launch to {@code /health/ready} and to the end of the first patch submitted after it.
 * The floor is the same process started again after a clean stop on the same log, in the same run:
 * no crash to recover from.
 */
final class CrashRestart {

    private static final Duration BOUND = Duration.ofMinutes(10);
    private static final String TOKEN = "bench-" + java.util.UUID.randomUUID();

    private final Path home;
    private final int httpPort = freePort();
    private final int kafkaPort = freePort();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process up;
    private int submitted;

    private CrashRestart(Path home) {
        this.home = home;
    }

    record Result(long events, long killedReadyMs, long killedFirstEndMs, long cleanReadyMs, long cleanFirstEndMs) {
        List<Figure> figures() {
            return List.of(
                    Figure.ofTimes("R1", "SIGKILLed `patchbay up` ready again, " + events + " events in the log",
                            killedReadyMs, cleanReadyMs, "the same, started after a clean stop", "ms"),
                    Figure.ofTimes("R2", "first patch ended after that restart (launch → Succeeded)",
                            killedFirstEndMs, cleanFirstEndMs, "the same, after a clean stop", "ms"));
        }

        String markdown() {
            return "## Back after a crash, " + events + " events in the log\n\n"
                    + "| start | launch → ready | launch → first patch Succeeded |\n|---|---|---|\n"
                    + "| after SIGKILL of the process and its broker | " + killedReadyMs + " ms | " + killedFirstEndMs
                    + " ms |\n| after a clean stop (floor) | " + cleanReadyMs + " ms | " + cleanFirstEndMs + " ms |\n\n";
        }
    }

    static Result run(Path dir, long events, int realPatches) throws Exception {
        CrashRestart r = new CrashRestart(dir.resolve("crash-home"));
        try {
            return r.measure(events, realPatches);
        } finally {
            r.kill();
        }
    }

    private Result measure(long events, int realPatches) throws Exception {
        // The local token's budget (120 requests a minute) is for people; the bench brings its own.
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - name: bench
                    sha256: %s
                    requestsPerMinute: 1000000
                """.formatted(Json.sha256Hex(TOKEN)));
        start();
        await(this::ready, "the first start");
        EventFlood flood = new EventFlood("127.0.0.1:" + kafkaPort, 3);
        String last = null;
        for (int i = 0; i < realPatches; i++) {
            last = submit();
        }
        flood.write(Math.max(0, events - (long) realPatches * EventFlood.LIFE));
        String lastReal = last;
        Map<String, Long> seqs = flood.lastSeqs();
        System.err.println("crash-restart: waiting for the views to fold " + events + " events");
        await(() -> (lastReal == null || ended(lastReal)) && caughtUp(seqs), "the views to catch up");
        long inLog = events();

        kill();
        long launched = System.nanoTime();
        start();
        await(this::ready, "ready after SIGKILL");
        long killedReady = msSince(launched);
        String first = submit();
        await(() -> ended(first), "the first patch after SIGKILL");
        long killedEnd = msSince(launched);

        stopCleanly();
        launched = System.nanoTime();
        start();
        await(this::ready, "ready after a clean stop");
        long cleanReady = msSince(launched);
        String next = submit();
        await(() -> ended(next), "the first patch after a clean stop");
        long cleanEnd = msSince(launched);
        return new Result(inLog, killedReady, killedEnd, cleanReady, cleanEnd);
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long msSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "up",
                "--home", home.toString(), "--port", String.valueOf(httpPort), "--kafka-port", String.valueOf(kafkaPort));
        up = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("patchbay.log").toFile())).start();
    }

    /** SIGKILL to the process and everything it started, its broker with it. */
    private void kill() throws InterruptedException {
        if (up == null) {
            return;
        }
        List<ProcessHandle> children = up.descendants().toList();
        up.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        up.waitFor();
    }

    private void stopCleanly() throws InterruptedException {
        up.destroy();
        if (!up.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("patchbay did not stop within 60 s of SIGTERM");
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private boolean ready() {
        return get("/health/ready") != null;
    }

    /** The body of a 200 answer, or null. */
    private String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String submit() throws Exception {
        String token = TOKEN;
        int n = submitted++;
        String body = "{\"domain\":\"main\",\"title\":\"Restart " + n + "\",\"files\":[{\"path\":\"restart/" + n
                + ".txt\",\"content\":\"" + n + "\\n\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/v1/patches"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body()).path("id").asText();
    }

    private boolean ended(String id) {
        String body = get("/v1/patches/" + id);
        try {
            return body != null && "succeeded".equalsIgnoreCase(Json.mapper().readTree(body).path("status").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the views show each synthetic domain's last event. */
    private boolean caughtUp(Map<String, Long> seqs) {
        String body = get("/health");
        if (body == null) {
            return false;
        }
        try {
            JsonNode domains = Json.mapper().readTree(body).path("domains");
            return seqs.entrySet().stream().allMatch(e -> domains.path(e.getKey()).path("lastSeq").asLong() >= e.getValue());
        } catch (IOException e) {
            return false;
        }
    }

    private long events() {
        String body = get("/health");
        if (body == null) {
            return -1;
        }
        try {
            long n = 0;
            for (JsonNode d : Json.mapper().readTree(body).path("domains")) {
                n += d.path("lastSeq").asLong();
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }
}
