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
import java.util.Map;

/**
 * One patchbay instance as an operator runs it on a cluster: {@code patchbay up --kafka-bootstrap …}
 * (or {@code patchbay executor …}, the decider and worker alone) in its own JVM with its own home,
 * killed with SIGKILL, stopped with SIGTERM, paused with SIGSTOP and resumed with SIGCONT, and
 * started again at will; and its HTTP API. The instances of a test accept one team token, written
 * to each home's {@code var/secrets/tokens.yml}.
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
    /** The sub-command it runs: {@code up} or {@code executor}. */
    private final String command;
    /** Added to the child's environment, e.g. {@code PATCHBAY_WORKER_FENCE}. */
    private final Map<String, String> environment;
    private final String token;
    private final String bootstrapServers;
    private final int replicationFactor;
    private final int port = FreePorts.pick();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    PatchbayProcess(String name, Path home, String contract, String token, String bootstrapServers,
            int replicationFactor) throws IOException {
        this(name, home, "up", Map.of(), contract, token, bootstrapServers, replicationFactor);
    }

    /** {@code patchbay executor}: no HTTP server, so {@link #ready()} never answers; read its log instead. */
    static PatchbayProcess executor(String name, Path home, String contract, String bootstrapServers,
            Map<String, String> environment) throws IOException {
        return new PatchbayProcess(name, home, "executor", environment, contract, "pb_unused-token-of-an-executor",
                bootstrapServers, 1);
    }

    private PatchbayProcess(String name, Path home, String command, Map<String, String> environment, String contract,
            String token, String bootstrapServers, int replicationFactor) throws IOException {
        this.name = name;
        this.home = home;
        this.command = command;
        this.environment = Map.copyOf(environment);
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
                System.getProperty("java.class.path"), Main.class.getName(), command, "--home", home.toString(),
                "--port", String.valueOf(port), "--kafka-bootstrap", bootstrapServers,
                "--replication-factor", String.valueOf(replicationFactor));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * SIGTERM, as an operator stops it: the shutdown hook closes every service. Waits up to {@code wait}
     * for the process to end; one that has not is left to the caller to kill.
     *
     * @return whether it ended within the wait
     */
    boolean stop(Duration wait) throws InterruptedException {
        if (process == null) {
            return true;
        }
        process.destroy();
        return process.waitFor(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** SIGSTOP: every thread stops where it is, as in a long GC pause or a VM that was frozen. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: a paused process goes on from where it stopped, unaware of the time that passed. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill -" + name + " " + pid() + " exited with " + exit);
        }
    }

    /** The process id of the running (or last) process. */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
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
