package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpInboxTest {

    private static final String TOKEN = "pb_test-token";
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final MockProducer<String, Command> producer = Samples.ackingProducer();
    private Javalin app;
    private HttpInbox inbox;
    /** The clock request budgets refill by; moved by hand. */
    private volatile long nanoTime = 1_000_000_000L;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (inbox != null) {
            inbox.close();
        }
    }

    private void start(CommandPublisher publisher, long maxBodyBytes) {
        start(publisher, new HttpInbox.Config(Map.of("ci", Json.sha256Hex(TOKEN)), maxBodyBytes));
    }

    private void start(CommandPublisher publisher, HttpInbox.Config config) {
        inbox = new HttpInbox(config, publisher, Clock.fixed(NOW, ZoneOffset.UTC), () -> nanoTime);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            inbox.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    private void start() {
        start(new KafkaCommandPublisher(producer), HttpInbox.DEFAULT_MAX_BODY_BYTES);
    }

    private HttpResponse<String> post(String contentType, String body, String query, String authorization)
            throws Exception {
        return post(contentType, body, query, authorization, Map.of());
    }

    private HttpResponse<String> post(String contentType, String body, String query, String authorization,
            Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/patches" + query))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postWithKey(String body, String key) throws Exception {
        return post("application/json", body, "", "Bearer " + TOKEN, Map.of("Idempotency-Key", key));
    }

    private static List<String> errors(HttpResponse<String> response) throws Exception {
        return Json.mapper().convertValue(json(response).get("errors"),
                Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return post(contentType, body, "", "Bearer " + TOKEN);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static String expectedId(String body, PatchReader.Format format, String domain) {
        return PatchReader.read(body.getBytes(StandardCharsets.UTF_8), format, domain).withDefaultId().id();
    }

    @Test
    void acceptsJsonPatchOnlyAfterPublishingItsSubmitCommand() throws Exception {
        start();

        var response = post("application/json; charset=utf-8", Samples.JSON);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        String id = expectedId(Samples.JSON, PatchReader.Format.JSON, null);
        JsonNode body = json(response);
        assertThat(body.get("id").asText()).isEqualTo(id).hasSize(64);
        assertThat(body.get("domain").asText()).isEqualTo("main");
        assertThat(body.get("title").asText()).isEqualTo("Fix typo in README");
        assertThat(body.get("status").asText()).isEqualTo("Submitted");
        assertThat(body.get("statusUrl").asText()).isEqualTo("/v1/patches/" + id);
        assertThat(body.get("summaryUrl").asText()).isEqualTo("/v1/patches/" + id + "/summary");
        assertThat(response.headers().firstValue("Location")).hasValue("/v1/patches/" + id);
        assertThat(producer.history()).singleElement().satisfies(r -> {
            assertThat(r.topic()).isEqualTo(Topics.COMMANDS);
            assertThat(r.key()).isEqualTo("main");
            var submit = (Command.Submit) r.value();
            assertThat(submit.patchId()).isEqualTo(id);
            assertThat(submit.by()).isEqualTo(Submitter.http("ci"));
            assertThat(submit.at()).isEqualTo(NOW);
        });
    }

    @Test
    void acceptsYamlPatch() throws Exception {
        start();

        var response = post("application/yaml", Samples.YAML);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("id").asText()).isEqualTo(expectedId(Samples.YAML, PatchReader.Format.YAML, null));
        assertThat(((Command.Submit) producer.history().get(0).value()).patch().gates()).hasSize(1);
    }

    @Test
    void acceptsBareDiffForTheDomainInTheQuery() throws Exception {
        start();

        var response = post("text/x-diff", Samples.DIFF, "?domain=main", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("id").asText()).isEqualTo(expectedId(Samples.DIFF, PatchReader.Format.DIFF, "main"));
        assertThat(json(response).get("domain").asText()).isEqualTo("main");
        var patch = ((Command.Submit) producer.history().get(0).value()).patch();
        assertThat(patch.diff().text()).isEqualTo(Samples.DIFF);
        assertThat(patch.domain()).isEqualTo("main");
    }

    @Test
    void sameBodyTwiceGetsTheSameId() throws Exception {
        start();

        String first = json(post("application/json", Samples.JSON)).get("id").asText();
        String second = json(post("application/json", Samples.JSON)).get("id").asText();

        assertThat(second).isEqualTo(first);
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void refusesRequestWithoutTokenOrWithUnknownToken() throws Exception {
        start();

        for (String authorization : new String[] {null, "Bearer wrong-token", "Basic " + TOKEN, "Bearer "}) {
            var response = post("application/json", Samples.JSON, "", authorization);
            assertThat(response.statusCode()).as("Authorization: %s", authorization).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refusesUnsupportedContentTypeWith415() throws Exception {
        start();

        var response = post("application/xml", "<patch/>");

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("status").asInt()).isEqualTo(415);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refusesBodyOverTheLimitWith413() throws Exception {
        start(new KafkaCommandPublisher(producer), 1024);

        var response = post("text/x-diff", Samples.DIFF + "+x".repeat(600), "?domain=main", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void listsEveryProblemOfABadEnvelope() throws Exception {
        start();
        String body = """
                {"domain": "main", "titel": "typo", "commands": "ls", "diff": %s}
                """.formatted(Json.canonical(Samples.DIFF));

        var response = post("application/json", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        List<String> errors = errors(response);
        assertThat(errors).hasSize(2);
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("/titel").contains("not a patch field"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("/commands"));
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refusesTextThatIsNotADiffWith400() throws Exception {
        start();

        var response = post("text/plain", "please fix the typo in the README", "?domain=main", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("errors").get(0).asText()).contains("not a unified diff");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refusesPatchThatNamesNoDomainWith400() throws Exception {
        start();

        var response = post("text/x-patch", Samples.DIFF);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("errors").get(0).asText()).startsWith("/domain");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void refusesPatchWhoseDomainDisagreesWithTheQuery() throws Exception {
        start();

        var response = post("application/json", Samples.JSON, "?domain=ops", "Bearer " + TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("errors").get(0).asText()).contains("'main'").contains("'ops'");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void answers503AndAcknowledgesNothingWhenKafkaRefuses() throws Exception {
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("broker unreachable");
        start();

        var response = post("application/json", Samples.JSON);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Location")).isEmpty();
        assertThat(json(response).has("id")).isFalse();
    }

    @Test
    void answers413WhenKafkaFindsTheCommandTooLarge() throws Exception {
        start(c -> {
            throw new PublishException("too large", false,
                    new org.apache.kafka.common.errors.RecordTooLargeException("over max.message.bytes"));
        }, HttpInbox.DEFAULT_MAX_BODY_BYTES);

        assertThat(post("application/json", Samples.JSON).statusCode()).isEqualTo(413);
    }

    private static final String OPS_TOKEN = "pb_ops-only";

    private void startWithOpsToken(int perMinute) {
        var tokens = List.of(InboxToken.anyDomain("ci", Json.sha256Hex(TOKEN)),
                new InboxToken("ops-bot", Json.sha256Hex(OPS_TOKEN), Set.of("ops"), perMinute));
        start(new KafkaCommandPublisher(producer), HttpInbox.Config.of(tokens));
    }

    @Test
    void refusesTokenForADomainItIsNotAllowedWith403() throws Exception {
        startWithOpsToken(100);

        var response = post("application/json", Samples.JSON, "", "Bearer " + OPS_TOKEN);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response).get("detail").asText()).contains("'ops-bot'").contains("'main'");
        assertThat(errors(response)).singleElement().asString().startsWith("/domain").contains("ops");
        assertThat(producer.history()).isEmpty();
        assertThat(post("text/x-diff", Samples.DIFF, "?domain=ops", "Bearer " + OPS_TOKEN).statusCode()).isEqualTo(202);
    }

    @Test
    void refusesTokenOverItsBudgetWith429AndRetryAfterUntilTheBudgetRefills() throws Exception {
        startWithOpsToken(2);
        String ops = "Bearer " + OPS_TOKEN;

        assertThat(post("text/x-diff", Samples.DIFF, "?domain=ops", ops).statusCode()).isEqualTo(202);
        assertThat(post("text/x-diff", Samples.DIFF, "?domain=ops", ops).statusCode()).isEqualTo(202);
        var refused = post("text/x-diff", Samples.DIFF, "?domain=ops", ops);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(producer.history()).hasSize(2);
        assertThat(post("application/json", Samples.JSON).statusCode()).as("another token's budget").isEqualTo(202);

        nanoTime += java.time.Duration.ofSeconds(retryAfter).toNanos();
        assertThat(post("text/x-diff", Samples.DIFF, "?domain=ops", ops).statusCode()).isEqualTo(202);
    }

    @Test
    void answersARepeatedIdempotencyKeyWithTheFirstAnswerAndPublishesOnce() throws Exception {
        start();

        var first = postWithKey(Samples.JSON, "order-42");
        var again = postWithKey(Samples.JSON, "order-42");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void refusesAnIdempotencyKeyReusedForAnotherBodyWith422() throws Exception {
        start();
        assertThat(postWithKey(Samples.JSON, "order-42").statusCode()).isEqualTo(202);

        var reused = postWithKey(Samples.JSON.replace("Fix typo", "Fix a typo"), "order-42");

        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(reused).get("detail").asText()).contains("order-42");
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void leavesTheIdempotencyKeyFreeWhenKafkaDidNotTakeThePatch() throws Exception {
        producer.sendException = new org.apache.kafka.common.errors.TimeoutException("broker unreachable");
        start();
        assertThat(postWithKey(Samples.JSON, "order-7").statusCode()).isEqualTo(503);

        producer.sendException = null;
        var retried = postWithKey(Samples.JSON, "order-7");

        assertThat(retried.statusCode()).isEqualTo(202);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void refusesAMalformedIdempotencyKeyWith400() throws Exception {
        start();

        var response = postWithKey(Samples.JSON, "x".repeat(300));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("detail").asText()).contains("Idempotency-Key");
        assertThat(producer.history()).isEmpty();
    }
}
