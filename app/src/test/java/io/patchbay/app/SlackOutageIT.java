package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.ingest.slack.FakeSlack;
import io.patchbay.ingest.slack.SlackPayloads;
import io.patchbay.ingest.slack.SlackService;
import io.patchbay.ingest.slack.SlackSettings;
import io.patchbay.ingest.slack.SlackSigner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack's Web API down while patchbay starts and runs patches, on the real embedded broker: the
 * Slack endpoint still serves signed requests and {@code url_verification}, {@code /health} is
 * degraded with the reason (200) while patches run, and once the fake Slack answers again every
 * reply that waited in the outbox goes out, in order in each thread, and health is healthy again.
 */
class SlackOutageIT {

    private static final String SECRET = "1c8e0e3f5bd24fa2b7c5d1e0aa77c0de";
    private static final String CHANNEL = "C0MAIN";
    private static final String ALICE = "U0ALICE";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path home;

    private FakeSlack slack;
    private Patchbay patchbay;
    private PatchbayClient client;
    private final SlackSigner signer = new SlackSigner(SECRET);

    @AfterEach
    void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    private PatchbayClient.Reply deliver(String body) throws Exception {
        return client.send(signer.post(URI.create(client.base() + SlackService.EVENTS_PATH), "application/json", body)
                .build());
    }

    private static String newFileDiff(String path, String line) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+" + line + "\n";
    }

    private List<String> thread(String threadTs) {
        return FakeSlack.texts(slack.calls("chat.postMessage").stream()
                .filter(c -> threadTs.equals(c.field("thread_ts"))).toList());
    }

    private JsonNode health() throws Exception {
        return client.get("/health").json();
    }

    /** The index of the first line containing each word, which must all be there and rise. */
    private static void assertInOrder(List<String> thread, String... words) {
        int last = -1;
        for (String word : words) {
            int at = -1;
            for (int i = 0; i < thread.size(); i++) {
                if (thread.get(i).contains(word)) {
                    at = i;
                    break;
                }
            }
            assertThat(at).as("'%s' in %s after line %d", word, thread, last).isGreaterThan(last);
            last = at;
        }
    }

    @Test
    void slackDownDegradesHealthButTheEndpointServesAndRepliesGoOutInOrderOnceSlackIsBack() throws Exception {
        slack = new FakeSlack();
        slack.down();
        Files.createDirectories(home.resolve("contracts/sot"));
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), SlackIT.contract());
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0), Map.of(
                SlackSettings.ENV_SIGNING_SECRET, SECRET,
                SlackSettings.ENV_BOT_TOKEN, FakeSlack.BOT_TOKEN,
                SlackSettings.ENV_API_URL, slack.apiUrl()));
        client = new PatchbayClient(patchbay);

        // Ready: Slack is not needed to run patches.
        await().atMost(WAIT).until(() -> client.get("/health/ready").status() == 200);
        await().atMost(WAIT).until(() -> !slack.refused("auth.test").isEmpty());
        await().atMost(WAIT).until(() -> "degraded".equals(health().path("status").asText()));
        PatchbayClient.Reply degradedReply = client.get("/health");
        assertThat(degradedReply.status()).as(degradedReply.body()).isEqualTo(200);
        JsonNode degraded = degradedReply.json();
        assertThat(degraded.path("services").path("slack").asBoolean(true)).isFalse();
        assertThat(degraded.path("reasons").toString()).contains("Slack's Web API is out of reach").contains("503");

        PatchbayClient.Reply challenge = deliver(
                "{\"token\":\"t\",\"challenge\":\"served-while-slack-is-down\",\"type\":\"url_verification\"}");
        assertThat(challenge.status()).isEqualTo(200);
        assertThat(challenge.body()).contains("served-while-slack-is-down");

        String first = "1700000100.000001";
        String second = "1700000100.000002";
        assertThat(deliver(SlackPayloads.eventCallback("EvOut1", SlackPayloads.message(ALICE, CHANNEL, first,
                SlackPayloads.codeBlock(newFileDiff("outage/one.txt", "one"))))).status()).isEqualTo(200);
        assertThat(deliver(SlackPayloads.eventCallback("EvOut2", SlackPayloads.message(ALICE, CHANNEL, second,
                SlackPayloads.codeBlock(newFileDiff("outage/two.txt", "two"))))).status()).isEqualTo(200);

        // Both patches run to the end while Slack hears nothing.
        await().atMost(WAIT).until(() -> Files.exists(home.resolve("var/workspaces/main/outage/one.txt"))
                && Files.exists(home.resolve("var/workspaces/main/outage/two.txt")));
        List<String> ids = PatchbayClient.submits(patchbay.bootstrapServers()).stream()
                .filter(s -> ALICE.equals(s.by().id())).map(s -> s.patchId()).toList();
        assertThat(ids).hasSize(2);
        for (String id : ids) {
            await().atMost(WAIT).until(() -> client.status(id), "Succeeded"::equals);
        }
        assertThat(thread(first)).isEmpty();
        assertThat(thread(second)).isEmpty();
        assertThat(slack.refused("chat.postMessage")).isNotEmpty();
        assertThat(health().path("status").asText()).isEqualTo("degraded");

        slack.up();

        await().atMost(WAIT).until(() -> thread(first).stream().anyMatch(t -> t.contains("Succeeded"))
                && thread(second).stream().anyMatch(t -> t.contains("Succeeded")));
        for (String ts : List.of(first, second)) {
            List<String> replies = thread(ts);
            assertInOrder(replies, "Received patch", "Allowed by the execution contract", "Started", "Succeeded");
            assertThat(replies.stream().filter(t -> t.contains("Received patch"))).hasSize(1);
        }
        await().atMost(WAIT).until(() -> "healthy".equals(health().path("status").asText()));
        PatchbayClient.Reply healthy = client.get("/health");
        assertThat(healthy.status()).isEqualTo(200);
        assertThat(healthy.json().path("services").path("slack").asBoolean(false)).isTrue();
    }
}
