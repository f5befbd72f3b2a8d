package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * One patchbay instance as an operator runs it on a cluster: {@code patchbay up --kafka-bootstrap …}
 * in its own JVM with its own home, killed with SIGKILL and started again at will; and its HTTP API.
 * Both instances of a test accept one team token, written to each home's {@code var/secrets/tokens.yml}.
 */
final class PatchbayProcess {

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    final String name;
    final Path home;
    private final String token;
    private final String bootstrapServers;
    private final int replicationFactor;
    private final int port = FreePorts.pick();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    PatchbayProcess(String name, Path home, String contract, String token, String bootstrapServers,
            int replicationFactor) throws IOException {
        this.name = name;
        this.home = home;
        this.token = token;
        this.bootstrapServers = bootstrapServers;
        this.replicationFactor = replicationFactor;
        TestContracts.install(home, contract);
        // A budget above the default 120 requests a minute: while one instance is down the other takes them all.
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - name: team
                    sha256: %s
                    requestsPerMinute: 100000
                """.formatted(Json.sha256Hex(token)));
    }

    void start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "up", "--home", home.toString(),
                "--port", String.valueOf(port), "--kafka-bootstrap", bootstrapServers,
                "--replication-factor", String.valueOf(replicationFactor));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Where its output goes, across restarts. */
    Path log() {
        return home.resolve("patchbay.log");
    }

    boolean ready() {
        try {
            return get("/health/ready").status() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    Reply post(String path, String body, String idempotencyKey) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
