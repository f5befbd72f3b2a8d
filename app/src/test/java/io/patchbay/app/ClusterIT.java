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
import io.patchbay.executor.worker.GitDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
 * <p>The default size, 200 patches, runs on every build in about three minutes on two cores; the long
 * profile is {@code -Dpatchbay.cluster.patches=1000}, e.g.
 * {@code mvn -B verify -pl app -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ClusterIT
 * -Dpatchbay.cluster.patches=1000}. The figures (patches, duration, the kill, the broker stop,
 * failover times) are logged as one line starting {@code cluster figures:}; the instances' own logs
 * are kept in {@code app/target/cluster-it/}.
 */
class ClusterIT {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterIT.class);
    private static final List<String> DOMAINS = List.of("alpha", "beta", "gamma", "delta");
    private static final String TOKEN = "pb_cluster-test-token-shared-by-both";

    @TempDir
    Path dir;

    private GitDaemon git;
    private KafkaCluster kafka;
    private final List<PatchbayProcess> instances = new ArrayList<>();
    private EndWatch watch;

    @AfterEach
    void stop() throws Exception {
        // The instances' logs outlive the temporary folder, for whoever reads a failure in CI.
        Path kept = Files.createDirectories(Path.of("target", "cluster-it"));
        for (PatchbayProcess i : instances) {
            i.kill();
            if (Files.exists(i.log())) {
                Files.copy(i.log(), kept.resolve(i.name + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (watch != null) {
            watch.close();
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
        watch = new EndWatch(kafka.bootstrapServers());

        var a = new PatchbayProcess("a", dir.resolve("a"), contract, TOKEN, kafka.bootstrapServers(), 3);
        var b = new PatchbayProcess("b", dir.resolve("b"), contract, TOKEN, kafka.bootstrapServers(), 3);
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
        LOG.info("killed instance b with SIGKILL; {} of {} submitted patches had ended", watch.ended().size(), third);
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
        int endedBeforeStop = watch.ended().size();
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
                watch.ended().size() - endedBeforeStop);

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> watch.ended().keySet().containsAll(succeeds.keySet()));
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

        long terminalAfterStop = watch.firstEndAfter(brokerStoppedAt);
        long longestPause = watch.longestPause(clusterUp, allEnded);
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
            PatchbayProcess.Reply fromA = a.get("/v1/patches/" + id);
            PatchbayProcess.Reply fromB = b.get("/v1/patches/" + id);
            assertThat(fromA.status()).as("status of /v1/patches/%s on a", id).isEqualTo(200);
            assertThat(fromB.json()).as("/v1/patches/%s on both instances", id).isEqualTo(fromA.json());
        }
    }

    /**
     * Submits patches {@code from} to {@code to} (exclusive), alternating between the instances; while
     * {@code b} is not ready, all go through {@code a}.
     */
    private static void submit(int from, int to, PatchbayProcess a, PatchbayProcess b, Map<String, Boolean> succeeds,
            Map<String, String> domainOf) {
        boolean bReady = b.ready();
        for (int i = from; i < to; i++) {
            if (!bReady && i % 10 == 0) {
                bReady = b.ready();
            }
            String domain = DOMAINS.get(i % DOMAINS.size());
            boolean ok = i % 10 != 7;
            PatchbayProcess first = i % 2 == 0 || !bReady ? a : b;
            String id = submit(first, first == a ? b : a, i, body(i, domain, ok));
            succeeds.put(id, ok);
            domainOf.put(id, domain);
        }
    }

    private void awaitEnded(int count) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100)).until(() -> watch.ended().size() >= count);
    }

    /** Submits through {@code first}, and through {@code other} with the same key if {@code first} gives no answer. */
    private static String submit(PatchbayProcess first, PatchbayProcess other, int i, String body) {
        String key = "cluster-" + i;
        String[] id = new String[1];
        PatchbayProcess[] next = {first};
        await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
            PatchbayProcess to = next[0];
            next[0] = to == first ? other : first;
            try {
                PatchbayProcess.Reply r = to.post("/v1/patches", body, key);
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

}
