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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * {@code patchbay up} as the overnight user runs it, its embedded broker in the same process, killed
 * with SIGKILL (with every process it started) at random moments while patches stream in: while it
 * starts, while patches run, while the decider and the watchdog commit their transactions. It is what
 * a power cut or an OOM kill does. After each restart that got as far as ready, the first patch must
 * end within a bound: a hanging transaction or a task that cannot read its offsets would hold
 * everything, and this is where it shows. At the end every patch ended exactly once, each success is
 * one commit, each failure none, and the hash chain holds.
 *
 * <p>Size it with {@code -Dpatchbay.allinone.patches=N -Dpatchbay.allinone.kills=K} (defaults 90 and 12).
 */
class AllInOneCrashIT {

    private static final Logger LOG = LoggerFactory.getLogger(AllInOneCrashIT.class);
    private static final Set<String> TERMINAL = Set.of("Succeeded", "Failed", "Rejected", "Cancelled", "Quarantined",
            "Discarded");
    /** Liveness, not pace: a restarted instance that cannot end a patch in this long is hung. */
    private static final Duration FIRST_END_BOUND = Duration.ofSeconds(120);
    private static final Duration READY_BOUND = Duration.ofSeconds(180);

    @TempDir
    Path home;

    private final int httpPort = FreePorts.pick();
    private final int kafkaPort = FreePorts.pick();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process up;
    private LogReader reader;

    @AfterEach
    void stop() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (up != null) {
            killAll();
        }
    }

    enum Kind { SUCCEEDS, SLOW, GATE_FAILS }

    @Test
    void everyPatchEndsOnceAndNothingHangsWhenTheWholeProcessAndItsBrokerAreKilled() throws Exception {
        int patches = Integer.getInteger("patchbay.allinone.patches", 90);
        int kills = Integer.getInteger("patchbay.allinone.kills", 12);
        long seed = Long.getLong("patchbay.allinone.seed", System.nanoTime());
        Random random = new Random(seed);
        LOG.info("seed {}", seed);
        TestContracts.install(home, TestContracts.withSleep());

        Map<String, Kind> kinds = new LinkedHashMap<>();
        Map<String, Patch> byId = new LinkedHashMap<>();
        List<Long> readyMs = new ArrayList<>();
        List<Long> firstEndMs = new ArrayList<>();
        int killedStarting = 0;
        int submitted = 0;
        long began = System.nanoTime();
        for (int kill = 0; kill <= kills; kill++) {
            long launched = System.nanoTime();
            start();
            if (kill < kills && kill > 0 && random.nextInt(4) == 0) {
                // Killed while it starts: the broker recovering its log, Streams restoring, topics being checked.
                long at = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500 + random.nextInt(6_000));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> System.nanoTime() >= at || !up.isAlive());
                killAll();
                killedStarting++;
                LOG.info("kill {} of {}: while starting, {} ms after launch", kill + 1, kills,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
                continue;
            }
            await().atMost(READY_BOUND).pollInterval(Duration.ofMillis(200)).until(this::ready);
            readyMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
            reader = new LogReader("127.0.0.1:" + kafkaPort);
            int endedBefore = ended(kinds.keySet()).size();

            int share = kill == kills ? patches - submitted : (patches - submitted) / (kills - kill + 1);
            try (var publisher = new KafkaCommandPublisher("127.0.0.1:" + kafkaPort)) {
                for (int i = 0; i < share; i++, submitted++) {
                    Kind kind = kindOf(submitted);
                    Patch p = patch(submitted, kind);
                    kinds.put(p.id(), kind);
                    byId.put(p.id(), p);
                    publisher.publish(new Command.Submit(p, Submitter.spool(p.domain()), Instant.now()));
                }
            }
            if (ended(kinds.keySet()).size() < kinds.size()) {
                long ready = System.nanoTime();
                await("the first patch to end after restart " + (kill + 1)).atMost(FIRST_END_BOUND)
                        .pollInterval(Duration.ofMillis(20)).until(() -> ended(kinds.keySet()).size() > endedBefore);
                firstEndMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ready));
            }
            if (kill == kills) {
                break;
            }
            // Then a few more events, or none: killed mid-patch, mid-gate, mid-commit or mid-transaction.
            int before = reader.size();
            int progress = random.nextInt(10);
            await().atMost(FIRST_END_BOUND).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
                    .until(() -> reader.size() >= before + progress || ended(kinds.keySet()).size() == kinds.size());
            killAll();
            LOG.info("kill {} of {}: after {} new events", kill + 1, kills, reader.size() - before);
            reader.close();
        }

        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> ended(kinds.keySet()).size() == kinds.size());
        List<Event> events = reader.events();
        killAll();

        Map<String, List<String>> terminals = events.stream().filter(e -> TERMINAL.contains(e.type()))
                .collect(Collectors.groupingBy(Event::patchId, Collectors.mapping(Event::type, Collectors.toList())));
        for (var entry : kinds.entrySet()) {
            String id = entry.getKey();
            String expected = entry.getValue() == Kind.GATE_FAILS ? "Failed" : "Succeeded";
            assertThat(terminals.get(id)).as("terminal events of patch %s", id).containsExactly(expected);
            Patch p = byId.get(id);
            Path tree = home.resolve("var/workspaces").resolve(p.domain());
            long commits = CrashIT.commitsWithTrailer(tree, id);
            assertThat(commits).as("commits of patch %s (%s)", id, expected).isEqualTo(expected.equals("Succeeded") ? 1 : 0);
            assertThat(tree.resolve(p.files().get(0).path()).toFile().exists()).as("file of %s", id)
                    .isEqualTo(expected.equals("Succeeded"));
        }
        assertThat(HashChain.verify(events)).isEmpty();
        LOG.info("all-in-one crash figures: {} patches, {} kills ({} while starting), ready after launch ms {}, "
                + "first end after ready ms {}, {} events, {} s in all", kinds.size(), kills, killedStarting,
                summary(readyMs), summary(firstEndMs), events.size(),
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }

    private static String summary(List<Long> ms) {
        if (ms.isEmpty()) {
            return "[]";
        }
        List<Long> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        return "p50 " + sorted.get(sorted.size() / 2) + " max " + sorted.get(sorted.size() - 1) + " of " + sorted.size();
    }

    private Set<String> ended(Set<String> ids) {
        LogReader r = reader;
        if (r == null) {
            return Set.of();
        }
        return r.events().stream().filter(e -> TERMINAL.contains(e.type())).map(Event::patchId)
                .filter(ids::contains).collect(Collectors.toSet());
    }

    private boolean ready() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void start() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx768m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "up", "--home", home.toString(),
                "--port", String.valueOf(httpPort), "--kafka-port", String.valueOf(kafkaPort));
        up = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("patchbay.log").toFile())).start();
    }

    /** SIGKILL to the process and everything it started: the broker dies with it, mid-write if it was writing. */
    private void killAll() throws InterruptedException {
        List<ProcessHandle> children = up.descendants().toList();
        up.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        up.waitFor();
    }

    private static Kind kindOf(int i) {
        if (i % 5 == 3) {
            return Kind.GATE_FAILS;
        }
        if (i % 4 == 1) {
            return Kind.SLOW;
        }
        return Kind.SUCCEEDS;
    }

    private static Patch patch(int i, Kind kind) {
        String domain = i % 2 == 0 ? "main" : "ops";
        List<FileChange> files = List.of(FileChange.write("crash/f-" + i + ".txt", "patch " + i + "\n"));
        List<Gate> gates = switch (kind) {
            case SLOW -> List.of(Gate.command("slow", List.of("sleep", "1")));
            case GATE_FAILS -> List.of(Gate.command("fails", List.of("false")));
            case SUCCEEDS -> List.of();
        };
        return new Patch(null, domain, "All-in-one crash patch " + i + " (" + kind + ")", null, null, null, files, null,
                gates, null).withDefaultId();
    }

    /** Reads {@code patchbay.events} from its start, as a read_committed client would, until closed. */
    private static final class LogReader implements AutoCloseable {
        private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean reading = new AtomicBoolean(true);
        private final Thread thread;

        LogReader(String bootstrap) {
            thread = new Thread(() -> {
                Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
                try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
                    List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    consumer.assign(parts);
                    consumer.seekToBeginning(parts);
                    while (reading.get()) {
                        consumer.poll(Duration.ofMillis(100)).forEach(r -> events.add(r.value()));
                    }
                } catch (RuntimeException e) {
                    LOG.info("the log reader stopped: {}", e.toString());
                }
            }, "all-in-one-log-reader");
            thread.setDaemon(true);
            thread.start();
        }

        int size() {
            return events.size();
        }

        List<Event> events() {
            synchronized (events) {
                return List.copyOf(events);
            }
        }

        @Override
        public void close() throws InterruptedException {
            reading.set(false);
            thread.join(10_000);
        }
    }
}
