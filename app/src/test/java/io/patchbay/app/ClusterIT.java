package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * patchbay as a team runs it beyond one machine: three KRaft brokers (in this JVM; patchbay's topics
 * with three replicas and {@code min.insync.replicas} 2), two patchbay instances as separate OS
 * processes started at the same moment, and four domains whose trees are clones of branches on a git
 * daemon on 127.0.0.1. Patches stream in through both instances' inboxes; a third of the way in one
 * instance is killed with SIGKILL and started again, two thirds of the way in the broker leading the
 * event log's first partition is stopped and started again. Afterwards every accepted patch has ended
 * exactly once, every success is exactly one commit on its remote branch and every failure none, the
 * hash chain holds, and both instances give the same answers.
 *
 * <p>The default size (200 patches) runs on every build; the long profile is
 * {@code -Dpatchbay.cluster.patches=1000}. The figures (patches, duration, kills, failover times) are
 * logged as one line starting {@code cluster figures:}.
 */
class ClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterIT.class);
    private static final List<String> DOMAINS = List.of("alpha", "beta", "gamma", "delta");
    private static final String TOKEN = "pb_cluster-test-token-shared-by-both";

    @TempDir
    Path dir;

    private GitDaemon git;
    private KafkaCluster kafka;
    private final List<Instance> instances = new ArrayList<>();
    private final List<Seen> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private Thread reader;

    /** An event, and when this test read it. */
    record Seen(Event event, long atNanos) {}

    @AfterEach
    void stop() throws Exception {
        // The instances' logs outlive the temporary folder, for whoever reads a failure in CI.
        Path kept = Files.createDirectories(Path.of("target", "cluster-it"));
        for (Instance i : instances) {
            i.kill();
            if (Files.exists(i.home.resolve("patchbay.log"))) {
                Files.copy(i.home.resolve("patchbay.log"), kept.resolve(i.name + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        reading.set(false);
        if (reader != null) {
            reader.join(10_000);
        }
        if (kafka != null) {
            kafka.close();
        }
        if (git != null) {
            git.close();
        }
    }

    @Test
    void everyPatchEndsOnceAndLandsOnceOnItsRemoteThroughAnInstanceKillAndABrokerStop() throws Exception {
        int patches = Integer.getInteger("patchbay.cluster.patches", 200);
        long began = System.nanoTime();

        Path served = Files.createDirectories(dir.resolve("served"));
        git = new GitDaemon(served).start();
        Map<String, Path> remotes = new LinkedHashMap<>();
        for (String d : DOMAINS) {
            remotes.put(d, git.seed(d + ".git", Map.of("README.md", "The " + d + " domain.\n")));
        }
        String contract = contract();
        ContractLoader.parse(contract.getBytes(StandardCharsets.UTF_8), "cluster test");
        kafka = KafkaCluster.start(dir.resolve("kafka"), 3);
        startReadingTheLog();

        Instance a = new Instance("a", dir.resolve("a"), contract);
        Instance b = new Instance("b", dir.resolve("b"), contract);
        instances.addAll(List.of(a, b));
        // Both at the same moment: setting up the topics must be safe when instances start together.
        a.start();
        b.start();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> a.ready() && b.ready());
        long clusterUp = System.nanoTime();
        LOG.info("cluster and both instances ready after {} ms", (clusterUp - began) / 1_000_000);
        assertThat(kafka.inSync(Topics.EVENTS, 0)).hasSize(3);

        Map<String, Boolean> succeeds = new LinkedHashMap<>();
        Map<String, String> domainOf = new HashMap<>();
        int third = patches / 3;
        submit(0, third, a, b, succeeds, domainOf);
        // Each fault strikes with patches in flight: half of those submitted so far have ended, half not.
        awaitEnded(third / 2);

        b.kill();
        long killedAt = System.nanoTime();
        LOG.info("killed instance b with SIGKILL; {} of {} submitted patches had ended", ended().size(), third);
        b.start();
        CompletableFuture<Long> instanceBack = CompletableFuture.supplyAsync(() -> {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(b::ready);
            return (System.nanoTime() - killedAt) / 1_000_000;
        });
        submit(third, 2 * third, a, b, succeeds, domainOf);
        long instanceBackMs = instanceBack.get(3, TimeUnit.MINUTES);
        LOG.info("instance b ready again {} ms after its kill", instanceBackMs);
        awaitEnded(third + third / 2);

        int stoppedBroker = kafka.leaderOf(Topics.EVENTS, 0).orElseThrow();
        int endedBeforeStop = ended().size();
        long brokerStoppedAt = System.nanoTime();
        kafka.stop(stoppedBroker);
        long brokerStopMs = (System.nanoTime() - brokerStoppedAt) / 1_000_000;
        LOG.info("stopped broker {}, leader of {}-0, in {} ms; {} of {} submitted patches had ended", stoppedBroker,
                Topics.EVENTS, brokerStopMs, endedBeforeStop, 2 * third);
        submit(2 * third, patches, a, b, succeeds, domainOf);
        awaitEnded(endedBeforeStop + DOMAINS.size());
        kafka.restart(stoppedBroker);
        long brokerDownMs = (System.nanoTime() - brokerStoppedAt) / 1_000_000;
        LOG.info("started broker {} again after {} ms; {} patches had ended meanwhile", stoppedBroker, brokerDownMs,
                ended().size() - endedBeforeStop);

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> ended().keySet().containsAll(succeeds.keySet()));
        long allEnded = System.nanoTime();
        // The broker must be back in the in-sync replicas: nothing is left under-replicated.
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> kafka.inSync(Topics.EVENTS, 0).size() == 3);

        List<Event> events = PatchbayClient.readAll(kafka.bootstrapServers(), Topics.EVENTS, Topics.EVENT.deserializer());
        Map<String, List<String>> terminals = events.stream().filter(e -> e.body().terminal())
                .collect(Collectors.groupingBy(Event::patchId, Collectors.mapping(Event::type, Collectors.toList())));
        Map<String, String> remoteMessages = new HashMap<>();
        for (var r : remotes.entrySet()) {
            remoteMessages.put(r.getKey(), GitDaemon.git(r.getValue(), "log", "main", "--format=%B"));
        }
        for (var p : succeeds.entrySet()) {
            String id = p.getKey();
            String expected = p.getValue() ? "Succeeded" : "Failed";
            assertThat(terminals.get(id)).as("terminal events of patch %s", id).containsExactly(expected);
            long onRemote = trailers(remoteMessages.get(domainOf.get(id)), id);
            assertThat(onRemote).as("commits of patch %s on its remote branch", id).isEqualTo(p.getValue() ? 1 : 0);
        }
        assertThat(HashChain.verify(events)).isEmpty();

        long terminalAfterStop = firstTerminalAfter(brokerStoppedAt);
        long longestPause = longestPauseBetweenTerminals(clusterUp, allEnded);
        LOG.info("cluster figures: {} patches ({} succeeded, {} failed by their gate) over 4 domains on git remotes, "
                        + "3 brokers (RF 3, min.insync.replicas 2), 2 instances; {} ms from first submit to last end "
                        + "({} patches/s); 1 SIGKILL of an instance (ready again after {} ms); broker {} (leader of "
                        + "{}-0) stopped in {} ms and down {} ms, first patch ended {} ms after the stop; longest "
                        + "pause between two patch ends {} ms; whole test {} ms",
                patches, succeeds.values().stream().filter(v -> v).count(),
                succeeds.values().stream().filter(v -> !v).count(), (allEnded - clusterUp) / 1_000_000,
                String.format(java.util.Locale.ROOT, "%.1f", patches * 1e9 / (allEnded - clusterUp)), instanceBackMs,
                stoppedBroker, Topics.EVENTS, brokerStopMs, brokerDownMs, terminalAfterStop, longestPause,
                (System.nanoTime() - began) / 1_000_000);

        // Last, as it depends on queries across instances: the same answer from either of them.
        JsonNode healthA = withoutClock(a.get("/health").json());
        JsonNode healthB = withoutClock(b.get("/health").json());
        assertThat(healthA).as("/health of both instances").isEqualTo(healthB);
        for (String id : succeeds.keySet()) {
            Reply fromA = a.get("/v1/patches/" + id);
            Reply fromB = b.get("/v1/patches/" + id);
            assertThat(fromA.status()).as("status of /v1/patches/%s on a", id).isEqualTo(200);
            assertThat(fromB.json()).as("/v1/patches/%s on both instances", id).isEqualTo(fromA.json());
        }
    }

    /**
     * Submits patches {@code from} to {@code to} (exclusive), alternating between the instances; while
     * {@code b} is not ready, all go through {@code a}.
     */
    private static void submit(int from, int to, Instance a, Instance b, Map<String, Boolean> succeeds,
            Map<String, String> domainOf) {
        boolean bReady = b.ready();
        for (int i = from; i < to; i++) {
            if (!bReady && i % 10 == 0) {
                bReady = b.ready();
            }
            String domain = DOMAINS.get(i % DOMAINS.size());
            boolean ok = i % 10 != 7;
            Instance first = i % 2 == 0 || !bReady ? a : b;
            String id = submit(first, first == a ? b : a, i, body(i, domain, ok));
            succeeds.put(id, ok);
            domainOf.put(id, domain);
        }
    }

    private void awaitEnded(int count) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> ended().size() >= count);
    }

    /** Submits through {@code first}, and through {@code other} with the same key if {@code first} gives no answer. */
    private static String submit(Instance first, Instance other, int i, String body) {
        String key = "cluster-" + i;
        String[] id = new String[1];
        Instance[] next = {first};
        await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            Instance to = next[0];
            next[0] = to == first ? other : first;
            try {
                Reply r = to.post("/v1/patches", body, key);
                if (r.status() == 202) {
                    id[0] = r.json().path("id").asText();
                    return true;
                }
                LOG.info("patch {} through {}: HTTP {} {}", i, to.name, r.status(), r.body());
            } catch (java.io.IOException e) {
                LOG.info("patch {} through {}: {}", i, to.name, e.toString());
            }
            return false;
        });
        return id[0];
    }

    private static String body(int i, String domain, boolean ok) {
        var patch = new LinkedHashMap<String, Object>();
        patch.put("domain", domain);
        patch.put("title", "Cluster patch " + i);
        patch.put("files", List.of(Map.of("path", "cluster/p-" + i + ".txt", "content", "patch " + i + "\n")));
        if (!ok) {
            patch.put("gates", List.of(Map.of("name", "fails", "run", List.of("false"))));
        }
        return Json.canonical(patch);
    }

    private String contract() {
        var yaml = new StringBuilder("version: \"cluster-1\"\ndomains:\n");
        for (String d : DOMAINS) {
            yaml.append("""
                      %s:
                        workspace: var/workspaces/%s
                        remote: {url: "%s", branch: main}
                        submitters: {tokens: ["*"]}
                        commands: {shell: false, sandbox: none, allow: [["true"], ["false"]]}
                    """.formatted(d, d, git.url(d + ".git")));
        }
        return yaml.toString();
    }

    private static long trailers(String messages, String patchId) {
        return messages.lines().filter(l -> l.equals("Patch-Id: " + patchId)).count();
    }

    private static JsonNode withoutClock(JsonNode health) {
        ObjectNode copy = health.deepCopy();
        copy.remove("checkedAt");
        return copy;
    }

    /** Each patch id with its terminal events so far, as the log reader saw them. */
    private Map<String, List<Seen>> ended() {
        synchronized (log) {
            return log.stream().filter(s -> s.event().body().terminal())
                    .collect(Collectors.groupingBy(s -> s.event().patchId()));
        }
    }

    private long firstTerminalAfter(long nanos) {
        synchronized (log) {
            return log.stream().filter(s -> s.event().body().terminal() && s.atNanos() > nanos)
                    .mapToLong(s -> (s.atNanos() - nanos) / 1_000_000).min().orElse(-1);
        }
    }

    private long longestPauseBetweenTerminals(long from, long to) {
        List<Long> times;
        synchronized (log) {
            times = log.stream().filter(s -> s.event().body().terminal()).map(Seen::atNanos).sorted().toList();
        }
        long previous = from;
        long longest = 0;
        for (long t : times) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, to - previous) / 1_000_000;
    }

    private void startReadingTheLog() {
        reader = new Thread(() -> {
            Map<String, Object> props = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
                List<TopicPartition> parts = List.of();
                while (reading.get() && parts.isEmpty()) {
                    // The instances create the topics; until then there is nothing to read.
                    parts = consumer.listTopics(Duration.ofSeconds(5)).getOrDefault(Topics.EVENTS, List.of()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                while (reading.get()) {
                    long now = System.nanoTime();
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> log.add(new Seen(r.value(), now)));
                }
            }
        }, "cluster-test-log-reader");
        reader.setDaemon(true);
        reader.start();
    }

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** One patchbay instance: {@code patchbay up} in its own JVM, against the cluster, with its own home. */
    private final class Instance {
        private final String name;
        private final Path home;
        private final int port = FreePorts.pick();
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2)).build();
        private Process process;

        Instance(String name, Path home, String contract) throws Exception {
            this.name = name;
            this.home = home;
            TestContracts.install(home, contract);
            // One team token both instances accept, with a budget above the default 120 requests a minute:
            // while one instance is down the other takes every request.
            Files.createDirectories(home.resolve("var/secrets"));
            Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                    tokens:
                      - name: team
                        sha256: %s
                        requestsPerMinute: 100000
                    """.formatted(Json.sha256Hex(TOKEN)));
        }

        void start() throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), Main.class.getName(), "up", "--home", home.toString(),
                    "--port", String.valueOf(port), "--kafka-bootstrap", kafka.bootstrapServers(),
                    "--replication-factor", "3");
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("patchbay.log").toFile())).start();
        }

        void kill() throws InterruptedException {
            if (process != null) {
                process.destroyForcibly().waitFor();
            }
        }

        boolean ready() {
            try {
                return get("/health/ready").status() == 200;
            } catch (Exception e) {
                return false;
            }
        }

        Reply get(String path) throws java.io.IOException, InterruptedException {
            return send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                    .timeout(Duration.ofSeconds(10)).GET().build());
        }

        Reply post(String path, String body, String idempotencyKey) throws java.io.IOException, InterruptedException {
            return send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + path))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", idempotencyKey)
                    .timeout(Duration.ofSeconds(30))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
        }

        private Reply send(java.net.http.HttpRequest request) throws java.io.IOException, InterruptedException {
            var res = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Reply(res.statusCode(), res.body());
        }

        private String base() {
            return "http://127.0.0.1:" + port;
        }
    }
}
