package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.KafkaCommandPublisher;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor as its own OS process, killed with SIGKILL at random moments while patches stream
 * in, and restarted each time. Afterwards every patch has exactly one terminal event, every
 * success is exactly one commit, every failure left nothing behind, and the hash chain holds.
 *
 * <p>Size it with {@code -Dpatchbay.crash.patches=N -Dpatchbay.crash.kills=K} (defaults 120 and 12; {@code AllInOneCrashIT} kills the broker with it).
 */
class CrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(CrashIT.class);
    private static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "Rejected", "Cancelled", "Quarantined", "Discarded");

    @TempDir
    Path home;

    private EmbeddedKafka kafka;
    private Process executor;
    private final List<Event> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private Thread reader;

    @AfterEach
    void stop() throws Exception {
        if (executor != null) {
            executor.destroyForcibly().waitFor();
        }
        reading.set(false);
        if (reader != null) {
            reader.join(10_000);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** What a patch is built to do, and so what must come of it. */
    enum Kind { SUCCEEDS, SLOW, GATE_FAILS, DOES_NOT_APPLY }

    @Test
    void everyPatchEndsOnceAndLandsAtMostOnceAcrossRepeatedKills() throws Exception {
        int patches = Integer.getInteger("patchbay.crash.patches", 120);
        int kills = Integer.getInteger("patchbay.crash.kills", 12);
        Random random = new Random(Long.getLong("patchbay.crash.seed", System.nanoTime()));

        writeContract();
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        TopicSetup.ensure(kafka.bootstrapServers(), 3, (short) 1);
        startReadingTheLog();
        executor = startExecutor();

        Map<String, Kind> kinds = new LinkedHashMap<>();
        Map<String, Patch> byId = new HashMap<>();
        try (var publisher = new KafkaCommandPublisher(kafka.bootstrapServers())) {
            int submitted = 0;
            for (int kill = 0; kill <= kills; kill++) {
                // Submit a share of the patches, then let the executor make some progress and kill it
                // at a moment chosen by how far it got, not by the clock.
                int share = (patches - submitted) / (kills - kill + 1);
                for (int i = 0; i < share; i++, submitted++) {
                    Kind kind = kindOf(submitted);
                    Patch p = patch(submitted, kind);
                    kinds.put(p.id(), kind);
                    byId.put(p.id(), p);
                    publisher.publish(new Command.Submit(p, Submitter.spool(p.domain()), Instant.now()));
                }
                if (kill == kills) {
                    break;
                }
                int before = log.size();
                // Zero new events kills it while it starts; more kills it mid-patch, mid-gate or mid-commit.
                int progress = random.nextInt(12);
                await().atMost(Duration.ofMinutes(2)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                        .until(() -> log.size() >= before + progress || allEnded(kinds.keySet()));
                executor.destroyForcibly().waitFor();
                LOG.info("killed the executor ({} of {}) after {} new events", kill + 1, kills, log.size() - before);
                executor = startExecutor();
            }
            LOG.info("submitted {} patches, killed the executor {} times", submitted, kills);
        }

        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(500)).until(() -> allEnded(kinds.keySet()));
        executor.destroy();
        executor.waitFor();

        List<Event> events;
        synchronized (log) {
            events = List.copyOf(log);
        }
        Map<String, List<String>> terminals = events.stream().filter(e -> TERMINAL.contains(e.type()))
                .collect(Collectors.groupingBy(Event::patchId, Collectors.mapping(Event::type, Collectors.toList())));
        for (var entry : kinds.entrySet()) {
            String id = entry.getKey();
            List<String> ends = terminals.get(id);
            assertThat(ends).as("terminal events of patch %s", id).hasSize(1);
            String expected = switch (entry.getValue()) {
                case SUCCEEDS, SLOW -> "Succeeded";
                case GATE_FAILS, DOES_NOT_APPLY -> "Failed";
            };
            assertThat(ends.get(0)).as("outcome of %s patch %s", entry.getValue(), id).isEqualTo(expected);

            Patch p = byId.get(id);
            Path tree = home.resolve("var/workspaces").resolve(p.domain());
            long commits = commitsWithTrailer(tree, id);
            Path written = tree.resolve(fileOf(p));
            if (expected.equals("Succeeded")) {
                assertThat(commits).as("commits of patch %s", id).isEqualTo(1);
                assertThat(written).exists();
            } else {
                assertThat(commits).as("commits of failed patch %s", id).isZero();
                assertThat(written).as("file of failed patch %s", id).doesNotExist();
            }
        }
        assertThat(HashChain.verify(events)).isEmpty();
        LOG.info("{} events; {} patches ended once each", events.size(), kinds.size());
    }

    private boolean allEnded(Set<String> ids) {
        Set<String> ended;
        synchronized (log) {
            ended = log.stream().filter(e -> TERMINAL.contains(e.type())).map(Event::patchId).collect(Collectors.toSet());
        }
        return ended.containsAll(ids);
    }

    private static Kind kindOf(int i) {
        if (i % 11 == 5) {
            return Kind.DOES_NOT_APPLY;
        }
        if (i % 5 == 3) {
            return Kind.GATE_FAILS;
        }
        if (i % 7 == 1) {
            return Kind.SLOW;
        }
        return Kind.SUCCEEDS;
    }

    private static String fileOf(Patch p) {
        return p.files().isEmpty() ? "never.txt" : p.files().get(0).path();
    }

    private static Patch patch(int i, Kind kind) {
        String domain = i % 2 == 0 ? "main" : "ops";
        String file = "crash/f-" + i + ".txt";
        List<FileChange> files = List.of(FileChange.write(file, "patch " + i + "\n"));
        List<Gate> gates = List.of();
        String diff = null;
        switch (kind) {
            case SLOW -> gates = List.of(Gate.command("slow", List.of("sleep", "1")));
            case GATE_FAILS -> gates = List.of(Gate.command("fails", List.of("false")));
            case DOES_NOT_APPLY -> diff = "--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-no such line " + i
                    + "\n+replacement\n";
            default -> { }
        }
        return new Patch(null, domain, "Crash patch " + i + " (" + kind + ")", null, null, diff, files, null, gates, null)
                .withDefaultId();
    }

    private void writeContract() throws Exception {
        TestContracts.install(home, TestContracts.withSleep());
    }

    private Process startExecutor() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "executor", "--home", home.toString(),
                "--kafka-bootstrap", kafka.bootstrapServers());
        File out = home.resolve("executor.log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start();
    }

    private void startReadingTheLog() {
        reader = new Thread(() -> {
            Map<String, Object> props = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                while (reading.get()) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> log.add(r.value()));
                }
            }
        }, "crash-test-log-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static long commitsWithTrailer(Path tree, String patchId) throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            Iterable<RevCommit> all = git.log().call();
            return StreamSupport.stream(all.spliterator(), false)
                    .filter(c -> c.getFullMessage().contains("Patch-Id: " + patchId)).count();
        }
    }
}
