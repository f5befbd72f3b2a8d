package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.ingest.slack.FakeSlack;
import io.patchbay.ingest.slack.SlackPayloads;
import io.patchbay.ingest.slack.SlackService;
import io.patchbay.ingest.slack.SlackSettings;
import io.patchbay.ingest.slack.SlackSigner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slack channel in {@code patchbay up} on the real embedded broker: Bolt behind patchbay's own
 * HTTP server, configured with Bolt's standard variables, its permissions said by the contract
 * alone; signed requests as Slack sends them, replies going to a fake Slack on 127.0.0.1. And the
 * same patch arriving by HTTP, spool and Slack, which runs once.
 */
class SlackIT {

    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String CHANNEL = "C0MAIN";
    private static final String ALICE = "U0ALICE";
    private static final String MALLORY = "U0MALLORY";
    private static final String BAR = "U0BAR";
    private static final String BAR_CHANNEL = "C0BAR";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AtomicInteger TS = new AtomicInteger(100);

    @TempDir
    static Path home;

    static FakeSlack slack;
    static Patchbay patchbay;
    static PatchbayClient client;
    static final SlackSigner signer = new SlackSigner(SECRET);

    /**
     * The contract alone opens main to Alice and routes the channel to main; there is no slack.yml,
     * and Slack is configured with Bolt's own variable names.
     */
    static String contract() {
        String shipped = TestContracts.shipped();
        String contract = shipped.replaceFirst("slackUsers: \\[]", "slackUsers: [" + ALICE + "]")
                .replaceFirst("slackChannels: \\{}", "slackChannels: {" + CHANNEL + ": main}");
        if (!contract.contains("slackUsers: [" + ALICE + "]") || !contract.contains(CHANNEL + ": main")) {
            throw new IllegalStateException("the default contract changed its Slack entries; adapt SlackIT.contract()");
        }
        return contract;
    }

    @BeforeAll
    static void start() throws Exception {
        slack = new FakeSlack();
        Files.createDirectories(home.resolve("contracts/sot"));
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), contract());
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0), Map.of(
                SlackSettings.BOLT_SIGNING_SECRET, SECRET,
                SlackSettings.BOLT_BOT_TOKEN, FakeSlack.BOT_TOKEN,
                SlackSettings.ENV_API_URL, slack.apiUrl()));
        client = new PatchbayClient(patchbay);
        await().atMost(WAIT).until(() -> client.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
        if (slack != null) {
            slack.close();
        }
    }

    // ---- Slack as it calls patchbay ----

    private static URI events() {
        return URI.create(client.base() + SlackService.EVENTS_PATH);
    }

    private static PatchbayClient.Reply deliver(String body, Map<String, String> headers) throws Exception {
        var request = signer.post(events(), "application/json", body);
        headers.forEach(request::header);
        return client.send(request.build());
    }

    /** A new message's ts; each test threads under its own. */
    private static String nextTs() {
        return "1700000000." + String.format("%06d", TS.incrementAndGet());
    }

    /** A git diff that creates one file, so it applies to any workspace. */
    private static String newFileDiff(String path, String line) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+" + line + "\n";
    }

    private static String messageEvent(String eventId, String user, String ts, String text) {
        return SlackPayloads.eventCallback(eventId, SlackPayloads.message(user, CHANNEL, ts, text));
    }

    private static List<FakeSlack.Call> threadReplies(String threadTs) {
        return slack.calls("chat.postMessage").stream().filter(c -> threadTs.equals(c.field("thread_ts"))).toList();
    }

    /** Waits for the first reply in a thread, the "received" one, and returns the patch id it names. */
    private static String receivedId(String threadTs) {
        await().atMost(WAIT).until(() -> !threadReplies(threadTs).isEmpty());
        String text = threadReplies(threadTs).get(0).field("text");
        assertThat(text).contains("Received patch");
        return text.replaceFirst("(?s).*Received patch `([0-9a-f]{64})`.*", "$1");
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> client.status(id), status::equals);
    }

    // ---- the tests ----

    @Test
    void signedMessageWithADiffRunsToSucceededAndItsThreadHearsEveryStep() throws Exception {
        String ts = nextTs();
        String text = "please apply\n" + SlackPayloads.codeBlock(newFileDiff("slack/hello.txt", "hello from slack"));

        PatchbayClient.Reply ack = deliver(messageEvent("EvHello", ALICE, ts, text), Map.of());

        assertThat(ack.status()).isEqualTo(200);
        String id = receivedId(ts);
        awaitStatus(id, "Succeeded");
        assertThat(Files.readString(home.resolve("var/workspaces/main/slack/hello.txt"))).isEqualTo("hello from slack\n");
        assertThat(client.submitsOf(id)).singleElement()
                .satisfies(s -> assertThat(s.by()).extracting(Submitter::channel, Submitter::id).containsExactly("slack", ALICE));
        await().atMost(WAIT).until(() -> FakeSlack.texts(threadReplies(ts)).stream().anyMatch(t -> t.contains("Succeeded")));
        List<String> thread = FakeSlack.texts(threadReplies(ts));
        assertThat(thread.get(0)).contains(id).contains("*main*");
        assertThat(String.join("\n", thread)).contains("Allowed by the execution contract").contains("Started");
        assertThat(thread.get(thread.size() - 1)).contains("Succeeded");
        assertThat(threadReplies(ts)).allSatisfy(c -> {
            assertThat(c.field("channel")).isEqualTo(CHANNEL);
            assertThat(c.authorization()).isEqualTo("Bearer " + FakeSlack.BOT_TOKEN);
        });
    }

    @Test
    void badSignatureIsRefusedWith401AndSubmitsNothing() throws Exception {
        String text = SlackPayloads.codeBlock(newFileDiff("slack/forged.txt", "forged"));
        String forgedTs = nextTs();
        String forged = messageEvent("EvForged", ALICE, forgedTs, text);
        long now = Instant.now().getEpochSecond();

        PatchbayClient.Reply wrongSecret = client.send(new SlackSigner("not-the-secret")
                .post(events(), "application/json", forged, now).build());
        PatchbayClient.Reply stale = client.send(signer.post(events(), "application/json", forged, now - 600).build());

        assertThat(wrongSecret.status()).isEqualTo(401);
        assertThat(stale.status()).isEqualTo(401);
        // The same patch, then sent as Slack sends it: it is taken, and it is the only Submit of its id.
        String ts = nextTs();
        assertThat(deliver(messageEvent("EvGenuine", ALICE, ts, text), Map.of()).status()).isEqualTo(200);
        String id = receivedId(ts);
        assertThat(client.submitsOf(id)).hasSize(1);
        assertThat(threadReplies(forgedTs)).isEmpty();
    }

    @Test
    void retriedAndDuplicatedDeliveriesOfOneEventAreSubmittedOnce() throws Exception {
        String ts = nextTs();
        String body = messageEvent("EvRetried", ALICE, ts, SlackPayloads.codeBlock(newFileDiff("slack/retried.txt", "once")));

        assertThat(deliver(body, Map.of()).status()).isEqualTo(200);
        assertThat(deliver(body, Map.of("X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout")).status())
                .isEqualTo(200);
        assertThat(deliver(body, Map.of()).status()).as("the same event_id delivered again").isEqualTo(200);

        String id = receivedId(ts);
        // Deliveries are claimed before Slack is acknowledged, so the repeats were settled by the time they got 200.
        assertThat(client.submitsOf(id)).hasSize(1);
        awaitStatus(id, "Succeeded");
        assertThat(client.eventTypesOf(id).stream().filter("Submitted"::equals)).hasSize(1);
        assertThat(FakeSlack.texts(threadReplies(ts)).stream().filter(t -> t.contains("Received patch"))).hasSize(1);
    }

    @Test
    void someoneWhoMayNotSubmitIsToldSoAndNothingIsSubmitted() throws Exception {
        String ts = nextTs();
        String text = SlackPayloads.codeBlock(newFileDiff("slack/mallory.txt", "owned"));

        assertThat(deliver(messageEvent("EvMallory", MALLORY, ts, text), Map.of()).status()).isEqualTo(200);

        await().atMost(WAIT).until(() -> !threadReplies(ts).isEmpty());
        assertThat(threadReplies(ts)).singleElement().satisfies(c -> assertThat(c.field("text"))
                .contains("<@" + MALLORY + ">").contains("may not submit").contains("*main*").contains("Nothing was submitted"));
        // The refusal is said instead of publishing, so once it is said nothing can follow.
        assertThat(PatchbayClient.submits(patchbay.bootstrapServers()))
                .noneMatch(s -> MALLORY.equals(s.by().id()));
    }

    @Test
    void patchSlashCommandSubmitsUnderAMessageOfItsOwnAndRuns() throws Exception {
        String form = SlackPayloads.slashCommand(ALICE, CHANNEL,
                "main " + SlackPayloads.codeBlock(newFileDiff("slack/command.txt", "by /patch")),
                slack.responseUrl("cmd-1"), "trigger-1");

        PatchbayClient.Reply ack = client.send(signer.post(events(), "application/x-www-form-urlencoded", form).build());

        assertThat(ack.status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> c.field("text").contains("with `/patch`")));
        FakeSlack.Call root = slack.calls("chat.postMessage").stream()
                .filter(c -> c.field("text").contains("with `/patch`")).findFirst().orElseThrow();
        assertThat(root.field("thread_ts")).isNull();
        assertThat(root.field("text")).contains("<@" + ALICE + ">");
        // The root's ts is Slack's answer to it; the reply that names the patch's file is threaded under it.
        await().atMost(WAIT).until(() -> slack.calls("chat.postMessage").stream()
                .anyMatch(c -> c.field("thread_ts") != null && c.field("text").contains("slack/command.txt")));
        String threadTs = slack.calls("chat.postMessage").stream()
                .filter(c -> c.field("thread_ts") != null && c.field("text").contains("slack/command.txt"))
                .findFirst().orElseThrow().field("thread_ts");
        String id = receivedId(threadTs);
        awaitStatus(id, "Succeeded");
        assertThat(Files.readString(home.resolve("var/workspaces/main/slack/command.txt"))).isEqualTo("by /patch\n");
    }

    @Test
    void samePatchByHttpSpoolAndSlackRunsOnceAndEveryChannelAnswersWithItsId() throws Exception {
        String diff = newFileDiff("channels/once.txt", "one patch, three channels");

        PatchbayClient.Reply http = client.submit("text/x-diff", diff, "domain=main");
        assertThat(http.status()).as(http.body()).isEqualTo(202);
        String id = http.json().path("id").asText();

        Path incoming = home.resolve("var/spool/main/incoming");
        Files.writeString(incoming.resolve("once.diff.part"), diff);
        Files.move(incoming.resolve("once.diff.part"), incoming.resolve("once.diff"));
        Path receipt = home.resolve("var/spool/main/accepted/once.diff.receipt.json");
        await().atMost(WAIT).until(() -> Files.exists(receipt));

        String ts = nextTs();
        deliver(messageEvent("EvOnce", ALICE, ts, SlackPayloads.codeBlock(diff)), Map.of());

        assertThat(Json.mapper().readTree(receipt.toFile()).path("id").asText()).isEqualTo(id);
        assertThat(receivedId(ts)).isEqualTo(id);
        assertThat(client.submitsOf(id)).extracting(s -> s.by().channel())
                .containsExactlyInAnyOrder("http", "spool", "slack");
        awaitStatus(id, "Succeeded");
        // A later patch of the same domain is decided after the three Submits (one partition, in order).
        String later = client.submit("text/x-diff", newFileDiff("channels/later.txt", "later"), "domain=main")
                .json().path("id").asText();
        awaitStatus(later, "Succeeded");

        List<Event> log = client.events();
        assertThat(log.stream().filter(e -> id.equals(e.patchId()) && e.type().equals("Submitted"))).hasSize(1);
        assertThat(log.stream().filter(e -> id.equals(e.patchId()) && e.type().equals("Succeeded"))).hasSize(1);
        try (Git git = Git.open(home.resolve("var/workspaces/main").toFile())) {
            assertThat(StreamSupport.stream(git.log().call().spliterator(), false)
                    .filter(c -> c.getFullMessage().contains("Patch-Id: " + id))).hasSize(1);
        }
    }

    @Test
    void aContractEditOpensSlackToANewUserAndChannelWithNothingElseToChange() throws Exception {
        String before = nextTs();
        deliver(SlackPayloads.eventCallback("EvBarBefore", SlackPayloads.message(BAR, BAR_CHANNEL, before,
                "domain: main\n" + SlackPayloads.codeBlock(newFileDiff("slack/bar-before.txt", "too early")))), Map.of());
        await().atMost(WAIT).until(() -> !threadReplies(before).isEmpty());
        assertThat(threadReplies(before).get(0).field("text")).contains("may not submit").contains("submitters.slackUsers");

        // Only the contract changes: U0BAR may submit to main, and channel C0BAR means main.
        String edited = contract().replaceFirst("version: \"[^\"]*\"", "version: \"slack-bar\"")
                .replaceFirst("slackUsers: \\[" + ALICE + "]", "slackUsers: [" + ALICE + ", " + BAR + "]")
                .replaceFirst("slackChannels: \\{" + CHANNEL + ": main}", "slackChannels: {" + CHANNEL + ": main, "
                        + BAR_CHANNEL + ": main}");
        assertThat(edited).contains(BAR + "]").contains(BAR_CHANNEL + ": main").contains("slack-bar");
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), edited);
        await().atMost(WAIT).until(() -> patchbay.contract().version().equals("slack-bar"));

        String after = nextTs();
        deliver(SlackPayloads.eventCallback("EvBarAfter", SlackPayloads.message(BAR, BAR_CHANNEL, after,
                SlackPayloads.codeBlock(newFileDiff("slack/bar.txt", "from bar")))), Map.of());

        String id = receivedId(after);
        awaitStatus(id, "Succeeded");
        assertThat(Files.readString(home.resolve("var/workspaces/main/slack/bar.txt"))).isEqualTo("from bar\n");
        assertThat(Files.exists(home.resolve("var/secrets/slack.yml"))).isFalse();
    }
}
