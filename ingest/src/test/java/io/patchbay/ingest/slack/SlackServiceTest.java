package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.ingest.KafkaCommandPublisher;
import io.patchbay.ingest.Samples;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bolt for real, behind the real Javalin route, signed like Slack signs, talking to a fake Slack. */
class SlackServiceTest {

    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String MAIN_CHANNEL = "C0MAIN";
    static final String ALICE = "U0ALICE";
    static final String BOB = "U0BOB";
    static final String MALLORY = "U0MALLORY";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final AtomicInteger EVENT_IDS = new AtomicInteger();

    @TempDir
    Path state;

    private FakeSlack slack;
    private MockProducer<String, Command> producer = Samples.ackingProducer();
    private SlackService service;
    private Javalin http;
    private final java.util.concurrent.atomic.AtomicReference<io.patchbay.contracts.policy.ExecutionContract> contract =
            new java.util.concurrent.atomic.AtomicReference<>(SlackContracts.standard());

    @BeforeEach
    void startFakeSlack() throws Exception {
        slack = new FakeSlack();
    }

    @AfterEach
    void stopAll() {
        stopService();
        slack.close();
    }

    /** Who may do what is the contract's ({@link SlackContracts#STANDARD}); these settings say only how to reach Slack. */
    static SlackSettings settings(FakeSlack slack, Path state) {
        return SlackSettings.of(SECRET, FakeSlack.BOT_TOKEN, state)
                .withApiUrl(slack.apiUrl(), List.of(slack.filesUrl()))
                .withOutbox(Duration.ofMillis(10), 100, 3);
    }

    private void startService() {
        startServiceNotWaiting();
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("auth.test").size() > 0 && service.problem().isEmpty());
    }

    private void startServiceNotWaiting() {
        service = new SlackService(settings(slack, state), contract::get, new KafkaCommandPublisher(producer), Clock.systemUTC());
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            service.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
        service.start();
    }

    private void stopService() {
        if (http != null) {
            http.stop();
            http = null;
        }
        if (service != null) {
            service.close();
            service = null;
        }
    }

    // ---- requests as Slack sends them ----

    private HttpResponse<String> send(String contentType, String body, String secret, long timestamp,
            Map<String, String> headers) throws Exception {
        var request = new SlackSigner(secret).post(
                URI.create("http://127.0.0.1:" + http.port() + SlackService.EVENTS_PATH), contentType, body, timestamp);
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendSigned(String contentType, String body) throws Exception {
        return send(contentType, body, SECRET, Instant.now().getEpochSecond(), Map.of());
    }

    static String eventCallback(String eventId, Map<String, Object> event) {
        return SlackPayloads.eventCallback(eventId, event);
    }

    static Map<String, Object> message(String user, String channel, String ts, String text) {
        return SlackPayloads.message(user, channel, ts, text);
    }

    private HttpResponse<String> postMessage(String eventId, String user, String channel, String ts, String text)
            throws Exception {
        return sendSigned("application/json", eventCallback(eventId, message(user, channel, ts, text)));
    }

    private HttpResponse<String> slashCommand(String user, String channel, String text) throws Exception {
        return sendSigned("application/x-www-form-urlencoded", SlackPayloads.slashCommand(user, channel, text,
                slack.responseUrl("cmd-" + EVENT_IDS.incrementAndGet()), "trigger-" + EVENT_IDS.incrementAndGet()));
    }

    private HttpResponse<String> click(String user, String actionId, String value, String messageTs) throws Exception {
        var payload = new LinkedHashMap<String, Object>();
        payload.put("type", "block_actions");
        payload.put("team", Map.of("id", "T1", "domain", "patchbay-test"));
        payload.put("user", Map.of("id", user, "username", user.toLowerCase(), "team_id", "T1"));
        payload.put("api_app_id", "A1");
        payload.put("token", "legacy-verification-token");
        payload.put("container", Map.of("type", "message", "message_ts", messageTs, "channel_id", MAIN_CHANNEL,
                "is_ephemeral", false));
        payload.put("trigger_id", "trigger-" + EVENT_IDS.incrementAndGet());
        payload.put("channel", Map.of("id", MAIN_CHANNEL, "name", "main"));
        payload.put("message", Map.of("type", "message", "ts", messageTs, "text", "Waiting for approval"));
        payload.put("response_url", slack.responseUrl("action"));
        payload.put("actions", List.of(Map.of("action_id", actionId, "block_id", "patchbay_approval",
                "text", Map.of("type", "plain_text", "text", "Approve"), "value", value, "type", "button",
                "action_ts", "1700000001.000000")));
        return sendSigned("application/x-www-form-urlencoded", SlackPayloads.form(Map.of("payload", Json.canonical(payload))));
    }

    static String codeBlock(String diff) {
        return SlackPayloads.codeBlock(diff);
    }

    private List<Command.Submit> submits() {
        return producer.history().stream().map(r -> r.value()).filter(Command.Submit.class::isInstance)
                .map(Command.Submit.class::cast).toList();
    }

    private String submittedId() {
        await().atMost(Duration.ofSeconds(10)).until(() -> submits().size() == 1);
        return submits().get(0).patchId();
    }

    private List<FakeSlack.Call> threadReplies(String threadTs) {
        return slack.calls("chat.postMessage").stream().filter(c -> threadTs.equals(c.field("thread_ts"))).toList();
    }

    // ---- messages ----

    @Test
    void submitsADiffPostedAsACodeBlockAndAnswersInItsThread() throws Exception {
        startService();

        var response = postMessage("Ev1", ALICE, MAIN_CHANNEL, "1700000000.000100",
                "please apply\n" + codeBlock(Samples.DIFF));

        assertThat(response.statusCode()).isEqualTo(200);
        String id = submittedId();
        Command.Submit submit = submits().get(0);
        assertThat(submit.by()).extracting(Submitter::channel, Submitter::id).containsExactly("slack", ALICE);
        assertThat(submit.patch().domain()).isEqualTo("main");
        assertThat(submit.patch().diff().text()).isEqualTo(Samples.DIFF);
        assertThat(producer.history().get(0).topic()).isEqualTo(Topics.COMMANDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000100").size() == 1);
        FakeSlack.Call received = threadReplies("1700000000.000100").get(0);
        assertThat(received.field("channel")).isEqualTo(MAIN_CHANNEL);
        assertThat(received.field("text")).contains("Received patch").contains(id).contains("*main*");
        assertThat(received.authorization()).isEqualTo("Bearer " + FakeSlack.BOT_TOKEN);
    }

    @Test
    void takesTheDomainNamedInTheMessageOverTheChannelsDefault() throws Exception {
        startService();

        postMessage("Ev2", ALICE, MAIN_CHANNEL, "1700000000.000200", "domain: ops\n" + codeBlock(Samples.DIFF));

        submittedId();
        assertThat(submits().get(0).patch().domain()).isEqualTo("ops");
        assertThat(submits().get(0).by()).as("the channel is a submitter of ops")
                .extracting(Submitter::channel, Submitter::id).containsExactly("slack", ALICE);
    }

    @Test
    void aContractReloadOpensANewChannelAndUserInSlackAtOnce() throws Exception {
        startService();
        postMessage("Ev2a", "U0CAROL", "C0NEW", "1700000000.000250", "domain: main\n" + codeBlock(Samples.DIFF));
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000250").size() == 1);
        assertThat(threadReplies("1700000000.000250").get(0).field("text")).contains("may not submit")
                .contains("submitters.slackUsers");

        contract.set(SlackContracts.parse(SlackContracts.STANDARD
                .replace("slackChannels: {C0MAIN: main}", "slackChannels: {C0MAIN: main, C0NEW: main}")
                .replace("slackUsers: [U0ALICE]", "slackUsers: [U0ALICE, U0CAROL]")));
        postMessage("Ev2b", "U0CAROL", "C0NEW", "1700000000.000260", codeBlock(Samples.DIFF));

        submittedId();
        assertThat(submits().get(0).patch().domain()).as("the channel's new route").isEqualTo("main");
        assertThat(submits().get(0).by()).isEqualTo(Submitter.slack("U0CAROL", "C0NEW"));
    }

    @Test
    void aDomainWithoutSlackSubmittersAndAnUnknownDomainAreRefusedEachWithItsReason() throws Exception {
        contract.set(SlackContracts.parse(SlackContracts.STANDARD.replace("submitters: {slackChannels: [C0MAIN]}",
                "submitters: {tokens: [\"*\"]}")));
        startService();

        postMessage("Ev2c", ALICE, MAIN_CHANNEL, "1700000000.000270", "domain: ops\n" + codeBlock(Samples.DIFF));
        postMessage("Ev2d", ALICE, MAIN_CHANNEL, "1700000000.000280", "domain: nope\n" + codeBlock(Samples.DIFF));

        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000270").size() == 1
                && threadReplies("1700000000.000280").size() == 1);
        assertThat(threadReplies("1700000000.000270").get(0).field("text")).contains("*ops* does not take patches from Slack")
                .contains("lists no Slack user or channel");
        assertThat(threadReplies("1700000000.000280").get(0).field("text"))
                .contains("*nope* is not a domain of the execution contract");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void readsAJsonEnvelopeAndIgnoresMessagesWithoutCodeBlocks() throws Exception {
        startService();

        postMessage("Ev3", ALICE, MAIN_CHANNEL, "1700000000.000300", "good morning, no patch here");
        postMessage("Ev4", ALICE, MAIN_CHANNEL, "1700000000.000400", "```json\n" + Samples.JSON.strip() + "```");

        submittedId();
        assertThat(submits().get(0).patch().title()).isEqualTo("Fix typo in README");
        assertThat(threadReplies("1700000000.000300")).isEmpty();
    }

    @Test
    void repliesWithEveryProblemWhenTheCodeBlockIsNotAPatch() throws Exception {
        startService();

        postMessage("Ev5", ALICE, MAIN_CHANNEL, "1700000000.000500",
                "```json\n{\"domain\": \"main\", \"titel\": \"x\", \"commands\": \"ls\"}```");

        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000500").size() == 1);
        String text = threadReplies("1700000000.000500").get(0).field("text");
        assertThat(text).contains("not a patch").contains("/titel").contains("/commands");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void tellsSomeoneWhoMayNotSubmitSoAndSubmitsNothing() throws Exception {
        startService();

        postMessage("Ev6", MALLORY, "C0RANDOM", "1700000000.000600", "domain: main\n" + codeBlock(Samples.DIFF));

        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000600").size() == 1);
        assertThat(threadReplies("1700000000.000600").get(0).field("text"))
                .contains("<@" + MALLORY + ">").contains("may not submit").contains("*main*");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void tellsTheSubmitterNothingWasSubmittedWhenKafkaIsDown() throws Exception {
        producer = Samples.ackingProducer();
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("broker unreachable");
        startService();

        postMessage("Ev7", ALICE, MAIN_CHANNEL, "1700000000.000700", codeBlock(Samples.DIFF));

        await().atMost(Duration.ofSeconds(20)).until(() -> threadReplies("1700000000.000700").size() == 1);
        assertThat(threadReplies("1700000000.000700").get(0).field("text")).contains("Nothing was submitted");
    }

    // ---- signatures, retries, duplicates ----

    @Test
    void refusesBadStaleAndMissingSignaturesWith401() throws Exception {
        startService();
        String body = eventCallback("Ev8", message(ALICE, MAIN_CHANNEL, "1700000000.000800", codeBlock(Samples.DIFF)));
        long now = Instant.now().getEpochSecond();

        var wrongSecret = send("application/json", body, "not-the-secret", now, Map.of());
        var stale = send("application/json", body, SECRET, now - 600, Map.of());
        var garbage = send("application/json", "not json at all", "not-the-secret", now, Map.of());

        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(garbage.statusCode()).isEqualTo(401);
        assertThat(producer.history()).isEmpty();
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    @Test
    void answersSlacksUrlVerificationChallenge() throws Exception {
        startService();

        var response = sendSigned("application/json",
                "{\"token\":\"t\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\",\"type\":\"url_verification\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    @Test
    void servesSignedRequestsWhileSlacksWebApiIsDownAndRepliesOnceItIsBack() throws Exception {
        slack.down();
        startServiceNotWaiting();

        var challenge = sendSigned("application/json",
                "{\"token\":\"t\",\"challenge\":\"still-here\",\"type\":\"url_verification\"}");
        var posted = postMessage("EvDown", ALICE, MAIN_CHANNEL, "1700000000.000950", codeBlock(Samples.DIFF));
        var forged = send("application/json", eventCallback("EvForgedDown", message(MALLORY, MAIN_CHANNEL,
                "1700000000.000951", codeBlock(Samples.DIFF))), "not-the-secret", Instant.now().getEpochSecond(), Map.of());

        assertThat(challenge.statusCode()).isEqualTo(200);
        assertThat(challenge.body()).contains("still-here");
        assertThat(posted.statusCode()).isEqualTo(200);
        assertThat(forged.statusCode()).isEqualTo(401);
        submittedId();
        await().atMost(Duration.ofSeconds(10)).until(() -> service.problem().isPresent());
        assertThat(service.problem().orElseThrow()).contains("out of reach").contains("503");
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.refused("chat.postMessage").isEmpty());
        assertThat(service.outboxWaiting()).isEqualTo(1);
        assertThat(threadReplies("1700000000.000950")).isEmpty();

        slack.up();

        await().atMost(Duration.ofSeconds(20)).until(() -> service.problem().isEmpty() && service.outboxWaiting() == 0);
        assertThat(FakeSlack.texts(threadReplies("1700000000.000950"))).singleElement().asString()
                .contains("Received patch");
    }

    @Test
    void submitsARetriedOrDuplicatedDeliveryOnceEvenAfterARestart() throws Exception {
        startService();
        String body = eventCallback("Ev9", message(ALICE, MAIN_CHANNEL, "1700000000.000900", codeBlock(Samples.DIFF)));

        assertThat(sendSigned("application/json", body).statusCode()).isEqualTo(200);
        var retry = send("application/json", body, SECRET, Instant.now().getEpochSecond(),
                Map.of("X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_timeout"));
        assertThat(retry.statusCode()).isEqualTo(200);
        submittedId();
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.000900").size() == 1);

        stopService();
        startService();
        var afterRestart = send("application/json", body, SECRET, Instant.now().getEpochSecond(),
                Map.of("X-Slack-Retry-Num", "2", "X-Slack-Retry-Reason", "http_error"));
        postMessage("Ev10", ALICE, MAIN_CHANNEL, "1700000000.001000", "```yaml\n" + Samples.YAML + "```");

        assertThat(afterRestart.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> submits().size() == 2);
        assertThat(submits().get(1).patch().title()).as("the later, new message").isEqualTo("Add notes");
        assertThat(threadReplies("1700000000.000900")).hasSize(1);
    }

    @Test
    void anEventAnotherInstanceClaimedFirstIsAcknowledgedAndNotSubmitted() throws Exception {
        startService();
        var board = new DeliveryClaimsTest.FirstWins();
        board.firsts.put("T1:EvElsewhere", new SlackDeliveryClaim("another-instance", Instant.now()));
        service.shareDeliveries(board);

        var elsewhere = postMessage("EvElsewhere", ALICE, MAIN_CHANNEL, "1700000000.002100", codeBlock(Samples.DIFF));
        var here = postMessage("EvHere", ALICE, MAIN_CHANNEL, "1700000000.002200", "```yaml\n" + Samples.YAML + "```");

        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(here.statusCode()).isEqualTo(200);
        assertThat(submittedId()).as("only the event this instance claimed").isNotNull();
        assertThat(submits().get(0).patch().title()).isEqualTo("Add notes");
        assertThat(threadReplies("1700000000.002100")).isEmpty();
    }

    @Test
    void anEventWhoseClaimKafkaCannotConfirmIsAnswered503SoSlackRetriesAndItsLastRetryIsTaken() throws Exception {
        startService();
        service.shareDeliveries(DeliveryClaimsTest.unconfirmed(null));
        String body = eventCallback("EvDown", message(ALICE, MAIN_CHANNEL, "1700000000.002300", codeBlock(Samples.DIFF)));

        var first = sendSigned("application/json", body);
        var retry = send("application/json", body, SECRET, Instant.now().getEpochSecond(),
                Map.of("X-Slack-Retry-Num", "1", "X-Slack-Retry-Reason", "http_error"));

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.body()).contains("deliver it again later");
        assertThat(retry.statusCode()).isEqualTo(503);
        assertThat(submits()).isEmpty();

        var last = send("application/json", body, SECRET, Instant.now().getEpochSecond(),
                Map.of("X-Slack-Retry-Num", "3", "X-Slack-Retry-Reason", "http_error"));

        assertThat(last.statusCode()).isEqualTo(200);
        submittedId();
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.002300").size() == 1);
    }

    // ---- files ----

    @Test
    void submitsAnUploadedDiffFileOnceThoughItArrivesAsMessageAndAsFileShared() throws Exception {
        slack.addFile(new FakeSlack.FakeFile("F0DIFF", "fix-typo.diff", Samples.DIFF.getBytes(StandardCharsets.UTF_8),
                MAIN_CHANNEL, "1700000000.001100"));
        slack.addFile(new FakeSlack.FakeFile("F0PIC", "screenshot.png", new byte[] {1, 2, 3}, MAIN_CHANNEL,
                "1700000000.001100"));
        startService();
        var fileMessage = message(ALICE, MAIN_CHANNEL, "1700000000.001100", "here is the fix");
        fileMessage.put("subtype", "file_share");
        fileMessage.put("files", List.of(Map.of("id", "F0DIFF", "name", "fix-typo.diff"),
                Map.of("id", "F0PIC", "name", "screenshot.png")));
        var fileShared = new LinkedHashMap<String, Object>(Map.of("type", "file_shared", "file_id", "F0DIFF",
                "user_id", ALICE, "file", Map.of("id", "F0DIFF"), "channel_id", MAIN_CHANNEL,
                "event_ts", "1700000000.001101"));

        assertThat(sendSigned("application/json", eventCallback("Ev11", fileMessage)).statusCode()).isEqualTo(200);
        assertThat(sendSigned("application/json", eventCallback("Ev12", fileShared)).statusCode()).isEqualTo(200);

        String id = submittedId();
        assertThat(submits().get(0).patch().diff().text()).isEqualTo(Samples.DIFF);
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.001100").size() == 1);
        assertThat(threadReplies("1700000000.001100").get(0).field("text")).contains(id);
        assertThat(slack.calls("/files/F0DIFF")).isNotEmpty()
                .allSatisfy(c -> assertThat(c.authorization()).isEqualTo("Bearer " + FakeSlack.BOT_TOKEN));
        assertThat(slack.calls("/files/F0PIC")).as("not a patch file").isEmpty();
        assertThat(submits()).hasSize(1);
    }

    // ---- /patch ----

    @Test
    void slashCommandSubmitsAndThreadsUnderAMessageOfItsOwn() throws Exception {
        startService();

        var response = slashCommand(ALICE, MAIN_CHANNEL, "main " + codeBlock(Samples.DIFF));

        assertThat(response.statusCode()).isEqualTo(200);
        String id = submittedId();
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postMessage").size() == 2);
        FakeSlack.Call root = slack.calls("chat.postMessage").get(0);
        FakeSlack.Call received = slack.calls("chat.postMessage").get(1);
        assertThat(root.field("thread_ts")).isNull();
        assertThat(root.field("text")).contains("<@" + ALICE + ">").contains("/patch");
        assertThat(received.field("thread_ts")).isNotNull();
        assertThat(received.field("text")).contains(id);
    }

    @Test
    void slashCommandRefusalIsTheImmediateAnswerAndNothingIsSubmitted() throws Exception {
        startService();

        var notAllowed = slashCommand(MALLORY, "C0RANDOM", "main " + codeBlock(Samples.DIFF));
        var noPatch = slashCommand(ALICE, MAIN_CHANNEL, "main");

        assertThat(notAllowed.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(notAllowed.body()).get("text").asText()).contains("may not submit");
        assertThat(Json.mapper().readTree(noPatch.body()).get("text").asText()).contains("Usage");
        assertThat(producer.history()).isEmpty();
        assertThat(slack.calls("chat.postMessage")).isEmpty();
    }

    // ---- approval buttons ----

    @Test
    void approvalButtonsPublishApproveForAnApproverButNotForTheSubmitter() throws Exception {
        startService();
        postMessage("Ev13", ALICE, MAIN_CHANNEL, "1700000000.001300", codeBlock(Samples.DIFF));
        String id = submittedId();

        service.notifier().on(event(id, 2, new EventBody.AwaitingApproval("risk high needs approval", 1)));

        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.001300").stream()
                .anyMatch(c -> c.field("blocks") != null));
        FakeSlack.Call buttons = threadReplies("1700000000.001300").stream().filter(c -> c.field("blocks") != null)
                .findFirst().orElseThrow();
        JsonNode actions = buttons.blocks().get(1);
        assertThat(actions.get("type").asText()).isEqualTo("actions");
        assertThat(actions.get("elements")).hasSize(2);
        JsonNode approve = actions.get("elements").get(0);
        assertThat(approve.get("type").asText()).isEqualTo("button");
        assertThat(approve.get("action_id").asText()).isEqualTo(SlackMessages.APPROVE);
        assertThat(approve.get("style").asText()).isEqualTo("primary");
        assertThat(approve.get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(actions.get("elements").get(1).get("action_id").asText()).isEqualTo(SlackMessages.REJECT);
        String value = approve.get("value").asText();

        assertThat(click(ALICE, SlackMessages.APPROVE, value, "1700000000.001301").statusCode()).isEqualTo(200);
        assertThat(click(MALLORY, SlackMessages.APPROVE, value, "1700000000.001301").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postEphemeral").size() == 2);
        assertThat(slack.calls("chat.postEphemeral")).anySatisfy(c -> {
            assertThat(c.field("user")).isEqualTo(ALICE);
            assertThat(c.field("text")).contains("four-eyes");
        }).anySatisfy(c -> {
            assertThat(c.field("user")).isEqualTo(MALLORY);
            assertThat(c.field("text")).contains("only the approvers");
        });
        assertThat(producer.history()).hasSize(1);

        assertThat(click(BOB, SlackMessages.APPROVE, value, "1700000000.001301").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        Command approval = producer.history().get(1).value();
        assertThat(approval).isEqualTo(new Command.Approve("main", id, new Submitter("slack", BOB), approval.at()));
        assertThat(producer.history().get(1).key()).isEqualTo("main");
    }

    @Test
    void theSubmitterMayRejectTheirOwnPatch() throws Exception {
        startService();
        postMessage("Ev14", ALICE, MAIN_CHANNEL, "1700000000.001400", codeBlock(Samples.DIFF));
        String id = submittedId();

        click(ALICE, SlackMessages.REJECT, new SlackMessages.ApprovalRef("main", id).value(), "1700000000.001401");

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(producer.history().get(1).value()).isInstanceOfSatisfying(Command.Reject.class,
                r -> assertThat(r.by()).isEqualTo(new Submitter("slack", ALICE)));
    }

    @Test
    void anotherSlackAccountOfTheSubmitterIsRefusedAtOnceWhenTheContractSaysItIsTheSamePerson() throws Exception {
        contract.set(SlackContracts.parse(SlackContracts.STANDARD
                + "identities: {alice: [\"slack:" + ALICE + "\", \"slack:" + BOB + "\"]}\n"));
        startService();
        postMessage("Ev16", ALICE, MAIN_CHANNEL, "1700000000.001600", codeBlock(Samples.DIFF));
        String id = submittedId();

        click(BOB, SlackMessages.APPROVE, new SlackMessages.ApprovalRef("main", id).value(), "1700000000.001601");

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.postEphemeral").size() == 1);
        assertThat(slack.calls("chat.postEphemeral").get(0).field("text")).contains("four-eyes");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void slackApproversMayNameAPersonOfTheContract() {
        var permissions = new SlackPermissions(() -> SlackContracts.parse(SlackContracts.STANDARD
                .replace("approvers: [\"slack:U0BOB\"]", "approvers: [carol]")
                + "identities: {carol: [\"slack:U0CAROL\"]}\n"));

        assertThat(permissions.listsApprover("ops", "U0CAROL")).isTrue();
        assertThat(permissions.listsApprover("ops", BOB)).isFalse();
        assertThat(permissions.listsApprover("nope", "U0CAROL")).isFalse();
    }

    // ---- the thread follows the patch ----

    static Event event(String patchId, long seq, EventBody body) {
        return new Event("main", seq, patchId, Instant.parse("2026-11-22T10:00:00Z"), body, "0".repeat(64), "1".repeat(64));
    }

    @Test
    void theThreadHearsTheVerdictTheStartAndTheResultWithItsSummary() throws Exception {
        startService();
        postMessage("Ev15", ALICE, MAIN_CHANNEL, "1700000000.001500", codeBlock(Samples.DIFF));
        String id = submittedId();
        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.001500").size() == 1);

        service.notifier().on(event(id, 1, new EventBody.Submitted(submits().get(0).patch(), new Submitter("slack", ALICE))));
        service.notifier().on(event(id, 2, new EventBody.Accepted("2026.11.1", "abc")));
        service.notifier().on(event(id, 3, new EventBody.Queued(1)));
        service.notifier().on(event(id, 4, new EventBody.Started(1, "worker-1", "3f2a1b4c5d6e7f80")));
        service.notifier().on(event(id, 5, new EventBody.Succeeded(1, "9e8d7c6b5a4f3e2d", List.of("README.md"),
                List.of(new GateResult("unit", true, 0, 1200, "ok")), "var/summaries/main/x.md",
                "# Patch\nREADME.md: helo -> hello", 2300)));
        service.notifier().on(event("some-http-patch", 6, new EventBody.Accepted("2026.11.1", "abc")));

        await().atMost(Duration.ofSeconds(10)).until(() -> threadReplies("1700000000.001500").size() == 4);
        List<String> texts = FakeSlack.texts(threadReplies("1700000000.001500"));
        assertThat(texts.get(1)).contains("Allowed by the execution contract").contains("2026.11.1");
        assertThat(texts.get(2)).contains("Started").contains("3f2a1b4c5d");
        assertThat(texts.get(3)).contains("Succeeded").contains("9e8d7c6b5a").contains("1 file(s)").contains("unit")
                .contains("helo -&gt; hello");
        assertThat(slack.calls("chat.postMessage")).hasSize(4);
    }

    @Test
    void aRateLimitedReplyIsSentAgainAfterRetryAfter() throws Exception {
        slack.rateLimitPosts.set(1);
        startService();

        postMessage("Ev16", ALICE, MAIN_CHANNEL, "1700000000.001600", codeBlock(Samples.DIFF));

        submittedId();
        await().atMost(Duration.ofSeconds(15)).until(() -> slack.calls("chat.postMessage").size() == 2);
        assertThat(FakeSlack.texts(slack.calls("chat.postMessage"))).allSatisfy(t -> assertThat(t).contains("Received"));
        // The fake records the call before the outbox hears back from it: the message leaves the queue just after.
        await().atMost(Duration.ofSeconds(5)).until(() -> service.outboxWaiting() == 0);
        assertThat(slack.calls("chat.postMessage")).hasSize(2);
    }
}
