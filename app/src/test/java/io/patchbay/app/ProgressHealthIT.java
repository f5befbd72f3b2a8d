package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.health.GroupProgress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health tells a pipeline that moves from one that only runs: on the real broker, with a stall bound
 * of 3 s, a steady stream of patches never reads as a stall, a decider whose client is RUNNING but
 * processes nothing makes patchbay unhealthy and not ready with the partition named, and so does a
 * transaction left open on the event log; each recovers.
 */
class ProgressHealthIT {

    private static final Duration BOUND = Duration.ofSeconds(3);

    @TempDir
    Path home;

    private EmbeddedKafka kafka;
    private Patchbay patchbay;
    private ScheduledExecutorService watcher;

    @AfterEach
    void stop() throws InterruptedException {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (patchbay != null) {
            patchbay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void healthFollowsProgressNotRunningStates() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        patchbay = Patchbay.start(new PatchbayConfig(home, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, 3, (short) 1),
                Map.of(StallBounds.ENV, BOUND.toSeconds() + "s"));
        PatchbayClient client = PatchbayClient.whenReady(patchbay);

        // A steady stream: each pair goes in once the one before has landed, and health is asked throughout.
        List<String> seenStalls = new CopyOnWriteArrayList<>();
        watcher = Executors.newSingleThreadScheduledExecutor();
        watcher.scheduleWithFixedDelay(() -> {
            try {
                JsonNode health = client.get("/health").json();
                String reasons = health.path("reasons").toString();
                if (health.path("progress").toString().contains("false") || reasons.contains("unprocessed for")
                        || reasons.contains("open transaction") || reasons.contains("makes progress")) {
                    seenStalls.add(health.toString());
                }
            } catch (Exception | AssertionError e) {
                seenStalls.add("asking /health failed: " + e);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        for (int round = 0; round < 5; round++) {
            List<String> ids = new ArrayList<>();
            for (String domain : List.of("main", "ops")) {
                ids.add(submit(client, domain, "Steady " + round));
            }
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(30)).until(() -> client.status(id), "Succeeded"::equals);
            }
        }
        // Longer than the bound after the last patch: an idle pipeline is no stalled one either.
        await().pollDelay(BOUND.plusSeconds(2)).atMost(BOUND.plusSeconds(5)).until(() -> true);
        watcher.shutdownNow();
        assertThat(watcher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seenStalls).as("progress while patches flowed and after").isEmpty();
        assertThat(client.get("/health").json().path("progress").toString())
                .contains("\"decider\":true", "\"worker\":true", "\"watchdog\":true");

        // The worker sits below the end of patchbay.work, behind the marker of the decider's last transaction.
        try (OffsetSampler sampler = new OffsetSampler(patchbay.bootstrapServers(), Duration.ofSeconds(3))) {
            var groups = List.of(ProgressWatch.DECIDER, ProgressWatch.WORKER, ProgressWatch.WATCHDOG);
            sampler.sample(groups, Instant.now());
            List<GroupProgress.Sample> second = sampler.sample(groups, Instant.now());
            for (GroupProgress.Sample s : second) {
                assertThat(s.failure()).isNull();
                s.partitions().forEach((tp, o) -> assertThat(o.behind()).as(s.group() + " " + tp + " " + o).isFalse());
            }
            GroupProgress.Sample worker = second.stream().filter(s -> s.group().equals(ProgressWatch.WORKER.group()))
                    .findFirst().orElseThrow();
            assertThat(worker.partitions().values()).as("only markers between the worker's commit and the end")
                    .anySatisfy(o -> {
                        assertThat(o.committed()).isNotNull().isLessThan(o.stableEnd());
                        assertThat(o.readable()).isFalse();
                    });
        }

        // The decider's client stays RUNNING but processes nothing: the commands wait.
        patchbay.deciderStreams().pause();
        String held = submit(client, "main", "Held");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/health").status() == 503);
        JsonNode stalled = client.get("/health").json();
        assertThat(stalled.path("status").asText()).isEqualTo("unhealthy");
        assertThat(stalled.path("services").path("decider").asBoolean()).as("its client still runs").isTrue();
        assertThat(stalled.path("progress").path("decider").asBoolean()).isFalse();
        assertThat(stalled.path("reasons").toString()).containsPattern(
                "decider: patchbay\\.commands-\\d has 1 record waiting, unprocessed for \\d+ s \\(committed offset \\d+, end \\d+\\)");
        PatchbayClient.Reply notReady = client.get("/health/ready");
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.json().path("ready").asBoolean()).isFalse();
        assertThat(notReady.json().path("notReady").toString()).contains("decider");

        patchbay.deciderStreams().resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.status(held), "Succeeded"::equals);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/health").status() == 200 && client.get("/health/ready").status() == 200);

        // A transaction left open on the event log holds every read_committed reader, the watchdog first.
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, patchbay.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "progress-it-left-open",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "120000"), new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(io.patchbay.contracts.topic.Topics.EVENTS, "main",
                    "{}".getBytes(StandardCharsets.UTF_8))).get();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> client.get("/health").status() == 503);
            JsonNode open = client.get("/health").json();
            assertThat(open.path("reasons").toString())
                    .containsPattern("watchdog: an open transaction holds patchbay\\.events-\\d at offset \\d+ for \\d+ s");
            assertThat(client.get("/health/ready").json().path("notReady").toString()).contains("watchdog");

            producer.abortTransaction();
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/health").status() == 200 && client.get("/health/ready").status() == 200);
    }

    private static String submit(PatchbayClient client, String domain, String title) throws Exception {
        String file = title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-" + domain + ".txt";
        PatchbayClient.Reply r = client.submit("application/json", "{\"domain\":\"" + domain + "\",\"title\":\"" + title
                + "\",\"files\":[{\"path\":\"" + file + "\",\"content\":\"x\"}]}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }
}
