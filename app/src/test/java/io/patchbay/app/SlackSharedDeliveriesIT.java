package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.PublishException;
import io.patchbay.ingest.SharedAnswers;
import io.patchbay.ingest.slack.FakeSlack;
import io.patchbay.ingest.slack.SlackDeliveryClaim;
import io.patchbay.ingest.slack.SlackPayloads;
import io.patchbay.ingest.slack.SlackService;
import io.patchbay.ingest.slack.SlackSettings;
import io.patchbay.ingest.slack.SlackSigner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest instances serving one Slack app on one real broker: the same signed event delivered
 * to both (at once, or as a retry on the other) is acted on by one of them, so it is one Submit and
 * one "received" reply. Claims are decided on the shared topic {@code patchbay.idempotency}, and
 * the instance whose claim stands first acts, even one that stopped before it could.
 */
class SlackSharedDeliveriesIT {

    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String CHANNEL = "C0MAIN";
    private static final String ALICE = "U0ALICE";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger TS = new AtomicInteger(100);
    private static final SlackSigner signer = new SlackSigner(SECRET);

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;
    static FakeSlack slack;
    static Patchbay a;
    static Patchbay b;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        slack = new FakeSlack();
        a = instance("a");
        b = instance("b");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {a, b, slack, kafka}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** An ingest instance with its own home, the same contract and the same Slack app as every other. */
    private static Patchbay instance(String name) throws Exception {
        Path own = home.resolve(name);
        Files.createDirectories(own.resolve("contracts/sot"));
        Files.writeString(own.resolve("contracts/sot/execution-contract.yml"), SlackIT.contract());
        return Patchbay.start(new PatchbayConfig(own, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, 3, (short) 1,
                EnumSet.of(Role.INGEST)), Map.of(
                        SlackSettings.BOLT_SIGNING_SECRET, SECRET,
                        SlackSettings.BOLT_BOT_TOKEN, FakeSlack.BOT_TOKEN,
                        SlackSettings.ENV_API_URL, slack.apiUrl()));
    }

    private static PatchbayClient.Reply deliver(Patchbay to, String body, Map<String, String> headers) {
        try {
            var client = new PatchbayClient(to);
            var request = signer.post(URI.create(client.base() + SlackService.EVENTS_PATH), "application/json", body);
            headers.forEach(request::header);
            return client.send(request.build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nextTs() {
        return "1700000000." + String.format("%06d", TS.incrementAndGet());
    }

    private static String event(String eventId, String ts, String file) {
        return SlackPayloads.eventCallback(eventId, SlackPayloads.message(ALICE, CHANNEL, ts, text(eventId, file)));
    }

    /** The message text of {@link #event}, as Slack sends it. */
    private static String text(String eventId, String file) {
        String diff = "diff --git a/" + file + " b/" + file + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + file
                + "\n@@ -0,0 +1 @@\n+" + eventId + "\n";
        return SlackPayloads.codeBlock(diff);
    }

    private static List<String> received(String threadTs) {
        return FakeSlack.texts(slack.calls("chat.postMessage").stream()
                .filter(c -> threadTs.equals(c.field("thread_ts"))).toList()).stream()
                .filter(t -> t.contains("Received patch")).toList();
    }

    private static String patchIdIn(String received) {
        return received.replaceFirst("(?s).*Received patch `([0-9a-f]{64})`.*", "$1");
    }

    private static List<Command.Submit> submitsOf(String id) {
        return PatchbayClient.submits(kafka.bootstrapServers()).stream().filter(s -> id.equals(s.patchId())).toList();
    }

    /**
     * Work is done after the acknowledgement: a fresh event delivered to each instance, answered,
     * shows that whatever either had taken before it has had its turn.
     */
    private static void awaitBothIdle() {
        for (Patchbay to : List.of(a, b)) {
            String ts = nextTs();
            assertThat(deliver(to, event("EvFence" + ts.replace(".", ""), ts, "fence/" + ts + ".txt"), Map.of()).status())
                    .isEqualTo(200);
            await().atMost(WAIT).until(() -> received(ts).size() == 1);
        }
    }

    @Test
    void theSameSignedEventDeliveredToBothInstancesAtOnceIsOneSubmit() throws Exception {
        var threads = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            String ts = nextTs();
            threads.add(ts);
            String body = event("EvTwice" + i, ts, "twice/" + i + ".txt");
            var onA = CompletableFuture.supplyAsync(() -> deliver(a, body, Map.of()));
            var onB = CompletableFuture.supplyAsync(() -> deliver(b, body, Map.of()));

            assertThat(onA.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(onB.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        for (String ts : threads) {
            await().atMost(WAIT).until(() -> !received(ts).isEmpty());
        }
        awaitBothIdle();

        for (String ts : threads) {
            assertThat(received(ts)).as("one instance answered thread %s", ts).hasSize(1);
            assertThat(submitsOf(patchIdIn(received(ts).get(0)))).hasSize(1);
        }
    }

    @Test
    void aRetryOnTheOtherInstanceIsAcknowledgedAndNotSubmittedAgain() throws Exception {
        String ts = nextTs();
        String body = event("EvRetry", ts, "retry/once.txt");

        assertThat(deliver(a, body, Map.of()).status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> received(ts).size() == 1);
        var retry = deliver(b, body, Map.of("X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"));
        var restartedRetry = deliver(b, body, Map.of("X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_error"));
        awaitBothIdle();

        assertThat(retry.status()).isEqualTo(200);
        assertThat(restartedRetry.status()).isEqualTo(200);
        assertThat(received(ts)).hasSize(1);
        assertThat(submitsOf(patchIdIn(received(ts).get(0)))).hasSize(1);
    }

    /**
     * An instance noted two deliveries and wrote their claims, then stopped (a crash, or the topic
     * not confirming in time) before acting; Slack's retry of the first went to b. The instance,
     * started again under a new id, acts on the delivery its claim stands first for, and leaves
     * the one another instance claimed first alone.
     */
    @Test
    void aDeliveryWhoseClaimStandsFirstIsActedOnByItsInstanceAfterARestartAndItsRetryElsewhereIsLeftAlone()
            throws Exception {
        String mineTs = nextTs();
        String theirsTs = nextTs();
        var crashed = new SlackDeliveryClaim("instance-before-its-crash", Instant.now());
        var elsewhere = new SlackDeliveryClaim("another-instance", Instant.now());
        try (var topic = claims()) {
            topic.start(Duration.ofSeconds(30));
            assertThat(claim(topic, SlackPayloads.TEAM + ":EvCrashed", crashed)).isEqualTo(crashed);
            assertThat(claim(topic, SlackPayloads.TEAM + ":EvClaimedElsewhere", elsewhere)).isEqualTo(elsewhere);
        }
        Path file = home.resolve("c/var/slack/deliveries.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, note("EvCrashed", mineTs, "crashed/mine.txt", crashed)
                + note("EvClaimedElsewhere", theirsTs, "crashed/theirs.txt", crashed));

        var retry = deliver(b, event("EvCrashed", mineTs, "crashed/mine.txt"),
                Map.of("X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_error"));
        assertThat(retry.status()).isEqualTo(200);
        try (Patchbay c = instance("c")) {
            await().atMost(WAIT).until(() -> received(mineTs).size() == 1);
            String fence = nextTs();
            assertThat(deliver(c, event("EvFenceC", fence, "fence/c.txt"), Map.of()).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> received(fence).size() == 1);
        }
        awaitBothIdle();

        assertThat(received(mineTs)).hasSize(1);
        assertThat(submitsOf(patchIdIn(received(mineTs).get(0)))).hasSize(1);
        assertThat(received(theirsTs)).as("claimed first by another instance").isEmpty();
    }

    /** A line of an instance's delivery file: the work noted before {@code claim} was written to the topic. */
    private static String note(String eventId, String ts, String file, SlackDeliveryClaim claim) {
        var work = new LinkedHashMap<String, Object>();
        work.put("kind", "MESSAGE");
        work.put("team", SlackPayloads.TEAM);
        work.put("channel", CHANNEL);
        work.put("user", ALICE);
        work.put("threadTs", ts);
        work.put("text", text(eventId, file));
        var entry = new LinkedHashMap<String, Object>();
        entry.put("key", SlackPayloads.TEAM + ":" + eventId);
        entry.put("done", false);
        entry.put("work", work);
        entry.put("at", Instant.now());
        entry.put("claim", claim);
        return Json.canonical(entry) + "\n";
    }

    @Test
    void claimsMadeAtOnceOnTheRealTopicAgreeOnOneFirstWriter() throws Exception {
        try (var here = claims(); var there = claims()) {
            here.start(Duration.ofSeconds(30));
            there.start(Duration.ofSeconds(30));
            for (int i = 0; i < 30; i++) {
                String key = "T1:EvRace" + i;
                var mine = new SlackDeliveryClaim("here", Instant.now());
                var theirs = new SlackDeliveryClaim("there", Instant.now());
                var h = CompletableFuture.supplyAsync(() -> claim(here, key, mine));
                var t = CompletableFuture.supplyAsync(() -> claim(there, key, theirs));

                SlackDeliveryClaim seenHere = h.get(30, TimeUnit.SECONDS);
                SlackDeliveryClaim seenThere = t.get(30, TimeUnit.SECONDS);

                assertThat(seenHere).as("both read the same first claim of %s", key).isEqualTo(seenThere);
                assertThat(seenHere).isIn(mine, theirs);
                assertThat(claim(there, key, new SlackDeliveryClaim("late", Instant.now()))).isEqualTo(seenHere);
            }
        }
    }

    @Test
    void aClaimWhenTheBrokerIsGoneFailsRetriablyWithinItsBudgetNotKafkasMinute() throws Exception {
        EmbeddedKafka gone = EmbeddedKafka.start(home.resolve("kafka-gone"), 0);
        TopicSetup.ensure(gone.bootstrapServers(), 3, (short) 1);
        try (var answers = new SharedAnswers<>(gone.bootstrapServers(), Topics.IDEMPOTENCY, "slack",
                SlackDeliveryClaim.class, Duration.ofHours(1), 1000, Clock.systemUTC())) {
            answers.start(Duration.ofSeconds(30));
            gone.close();

            long began = System.nanoTime();
            assertThatThrownBy(() -> answers.claim("T1:EvGone", new SlackDeliveryClaim("here", Instant.now()),
                    Duration.ofSeconds(2)))
                    .isInstanceOf(PublishException.class)
                    .satisfies(e -> assertThat(((PublishException) e).retriable()).isTrue());
            // Not a pace figure: a claim that ignored its budget would block for the producer's
            // max.block.ms (60 s), far past any margin for a noisy machine.
            assertThat(Duration.ofNanos(System.nanoTime() - began)).as("the 2 s budget, not Kafka's 60 s max.block.ms")
                    .isLessThan(Duration.ofSeconds(30));
        }
    }

    private static SharedAnswers<SlackDeliveryClaim> claims() {
        return SlackService.deliveryAnswers(kafka.bootstrapServers(), Clock.systemUTC());
    }

    private static SlackDeliveryClaim claim(SharedAnswers<SlackDeliveryClaim> on, String key, SlackDeliveryClaim c) {
        try {
            return on.claim(key, c, Duration.ofSeconds(10));
        } catch (PublishException e) {
            throw new IllegalStateException(e);
        }
    }
}
