package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.SharedAnswers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two inbox instances ({@code patchbay ingest}) on one real broker: an {@code Idempotency-Key}
 * answered by one is answered the same by the other and by the first after a restart, and the
 * patch is submitted once.
 */
class SharedIdempotencyIT {

    private static final String TOKEN = "shared-ci-token";
    private static final String PROBLEM = "application/problem+json";

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;
    static Patchbay a;
    static Patchbay b;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        a = instance("a");
        b = instance("b");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, kafka}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** An ingest instance with its own home, holding the same token as every other instance. */
    private static Patchbay instance(String name) throws Exception {
        Path own = home.resolve(name);
        Files.createDirectories(own.resolve("var/secrets"));
        Files.writeString(own.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - name: ci
                    sha256: %s
                """.formatted(Json.sha256Hex(TOKEN)));
        return Patchbay.start(new PatchbayConfig(own, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, 3, (short) 1,
                EnumSet.of(Role.INGEST)), Map.of());
    }

    private static PatchbayClient.Reply submit(Patchbay to, String body, String key) throws Exception {
        return new PatchbayClient(to).submit(TOKEN, "application/json", body, null, Map.of("Idempotency-Key", key));
    }

    private static String patch(String file, String content) {
        return "{\"domain\":\"main\",\"title\":\"Write " + file + "\",\"files\":[{\"path\":\"" + file
                + "\",\"content\":\"" + content + "\\n\"}]}";
    }

    private static List<Command.Submit> submitsOf(String id) {
        return PatchbayClient.submits(kafka.bootstrapServers()).stream().filter(s -> id.equals(s.patchId())).toList();
    }

    @Test
    void theAnswersTopicIsCompactedAndForgetsKeysAfterADay() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            var r = new ConfigResource(ConfigResource.Type.TOPIC, Topics.IDEMPOTENCY);
            var config = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);

            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
            assertThat(config.get("min.compaction.lag.ms").value()).isEqualTo(String.valueOf(Duration.ofDays(1).toMillis()));
            assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofDays(1).toMillis()));
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.EVENTS)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next().get("retention.ms").value())
                    .as("the event log keeps its own settings").isEqualTo("-1");
        }
    }

    @Test
    void anotherChannelOnTheSameTopicSharesItsOwnAnswersAndNotTheInboxs() throws Exception {
        String inboxKey = "shared-channel-1";
        assertThat(submit(a, patch("channel.txt", "one"), inboxKey).status()).isEqualTo(202);
        try (var here = slackEvents(); var there = slackEvents()) {
            here.start(Duration.ofSeconds(30));
            there.start(Duration.ofSeconds(30));

            here.remember("T1\nEv1", "seen");

            assertThat(there.find("T1\nEv1")).as("seen by the other instance at once").hasValue("seen");
            assertThat(there.find("T1\nEv2")).isEmpty();
            assertThat(there.find("ci\n" + inboxKey)).as("the inbox's answers are not Slack's").isEmpty();
        }
    }

    private static SharedAnswers<String> slackEvents() {
        return new SharedAnswers<>(kafka.bootstrapServers(), Topics.IDEMPOTENCY, "slack", String.class,
                Duration.ofHours(1), 1000, Clock.systemUTC());
    }

    @Test
    void aRetryOnAnotherInstanceGetsTheFirstAnswerAndSubmitsOnce() throws Exception {
        String body = patch("retry.txt", "one");
        PatchbayClient.Reply first = submit(a, body, "shared-retry-1");
        PatchbayClient.Reply retried = submit(b, body, "shared-retry-1");

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.header("Location")).isEqualTo(first.header("Location"));
        assertThat(retried.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(submitsOf(first.json().path("id").asText())).hasSize(1);
    }

    /**
     * Two instances taking one key at the same moment may both publish; they answer alike, and every
     * Submit they publish is the same patch under the same id, which the decider takes once.
     */
    @Test
    void theSameKeyOnTwoInstancesAtOnceIsAnsweredAlikeWithOnePatchId() throws Exception {
        String body = patch("race.txt", "one");
        var onA = CompletableFuture.supplyAsync(() -> unchecked(() -> submit(a, body, "shared-race-1")));
        var onB = CompletableFuture.supplyAsync(() -> unchecked(() -> submit(b, body, "shared-race-1")));
        PatchbayClient.Reply ra = onA.get(60, TimeUnit.SECONDS);
        PatchbayClient.Reply rb = onB.get(60, TimeUnit.SECONDS);

        assertThat(ra.status()).as(ra.body()).isEqualTo(202);
        assertThat(rb.status()).as(rb.body()).isEqualTo(202);
        assertThat(rb.body()).isEqualTo(ra.body());
        String id = ra.json().path("id").asText();
        List<Command.Submit> submits = submitsOf(id);
        assertThat(submits).hasSizeBetween(1, 2);
        assertThat(submits).extracting(Command.Submit::patch).containsOnly(submits.get(0).patch());
    }

    private static PatchbayClient.Reply unchecked(java.util.concurrent.Callable<PatchbayClient.Reply> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKeyReusedForAnotherBodyOnAnotherInstanceIsRefused() throws Exception {
        PatchbayClient.Reply first = submit(a, patch("reuse.txt", "one"), "shared-reuse-1");
        String other = patch("reuse.txt", "two");
        PatchbayClient.Reply reused = submit(b, other, "shared-reuse-1");

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(reused.status()).as(reused.body()).isEqualTo(422);
        assertThat(reused.header("Content-Type")).startsWith(PROBLEM);
        assertThat(reused.json().path("detail").asText()).contains("shared-reuse-1").contains("different request");
        assertThat(PatchbayClient.submits(kafka.bootstrapServers()))
                .as("only the first body reached the command log")
                .noneMatch(s -> s.patch().files().stream().anyMatch(f -> f.content().startsWith("two")))
                .filteredOn(s -> s.patch().files().stream().anyMatch(f -> f.path().equals("reuse.txt")))
                .hasSize(1);
    }

    @Test
    void anInstanceRestartedStillKnowsTheKeysAnsweredBeforeAndElsewhere() throws Exception {
        String mine = patch("restart-a.txt", "one");
        String theirs = patch("restart-b.txt", "one");
        PatchbayClient.Reply onA = submit(a, mine, "shared-restart-a");
        PatchbayClient.Reply onB = submit(b, theirs, "shared-restart-b");
        assertThat(onA.status()).as(onA.body()).isEqualTo(202);
        assertThat(onB.status()).as(onB.body()).isEqualTo(202);

        a.close();
        a = instance("a");

        PatchbayClient.Reply againOnA = submit(a, mine, "shared-restart-a");
        PatchbayClient.Reply theirsOnA = submit(a, theirs, "shared-restart-b");
        PatchbayClient.Reply refused = submit(a, patch("restart-a.txt", "two"), "shared-restart-a");

        assertThat(againOnA.status()).as(againOnA.body()).isEqualTo(202);
        assertThat(againOnA.body()).isEqualTo(onA.body());
        assertThat(againOnA.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(theirsOnA.body()).isEqualTo(onB.body());
        assertThat(theirsOnA.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(submitsOf(onA.json().path("id").asText())).hasSize(1);
        assertThat(submitsOf(onB.json().path("id").asText())).hasSize(1);
    }
}
