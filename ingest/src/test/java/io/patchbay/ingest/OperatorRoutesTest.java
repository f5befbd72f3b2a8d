package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperatorRoutesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    private final MockProducer<String, Command> producer = Samples.ackingProducer();
    private HttpInbox inbox;
    private Javalin app;

    @BeforeEach
    void start() {
        inbox = new HttpInbox(HttpInbox.Config.of(List.of(
                InboxToken.anyDomain("ops", Json.sha256Hex("ops-token")).withScopes(Scope.ALL),
                new InboxToken("ci", Json.sha256Hex("ci-token"), Set.of("ops"), null, Scope.ALL))),
                new KafkaCommandPublisher(producer));
        OperatorRoutes routes = new OperatorRoutes(inbox, new KafkaCommandPublisher(producer),
                id -> id.equals("known") ? Optional.of("main") : Optional.empty(), Clock.fixed(NOW, ZoneOffset.UTC));
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            routes.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        inbox.close();
    }

    private HttpResponse<String> post(String path, String token, String body) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void cancelOfAKnownPatchIsPublishedKeyedByItsDomain() throws Exception {
        HttpResponse<String> r = post("/v1/patches/known/cancel", "ops-token", "{\"reason\":\"not needed\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"action\":\"cancel\"").contains("\"domain\":\"main\"");
        assertThat(producer.history()).hasSize(1);
        assertThat(producer.history().get(0).key()).isEqualTo("main");
        assertThat(producer.history().get(0).value())
                .isEqualTo(new Command.Cancel("main", "known", io.patchbay.contracts.command.Submitter.http("ops"), NOW,
                        "not needed"));
    }

    @Test
    void everyActionMapsToItsCommand() throws Exception {
        for (String action : OperatorRoutes.ACTIONS) {
            assertThat(post("/v1/patches/known/" + action, "ops-token", "").statusCode()).isEqualTo(202);
        }
        assertThat(producer.history()).extracting(r -> r.value().getClass().getSimpleName())
                .containsExactly("Approve", "Reject", "Retry", "Release", "Discard", "Cancel");
    }

    @Test
    void refusesWithoutTokenUnknownActionUnknownPatchAndForeignDomain() throws Exception {
        assertThat(post("/v1/patches/known/cancel", null, "").statusCode()).isEqualTo(401);
        assertThat(post("/v1/patches/known/cancel", "wrong", "").statusCode()).isEqualTo(401);
        assertThat(post("/v1/patches/known/explode", "ops-token", "").statusCode()).isEqualTo(404);
        HttpResponse<String> unknown = post("/v1/patches/nobody/cancel", "ops-token", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(post("/v1/patches/known/approve", "ci-token", "").statusCode()).isEqualTo(403);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aNewPatchCanBeNamedByDomain() throws Exception {
        assertThat(post("/v1/patches/fresh/cancel?domain=ops", "ci-token", "").statusCode()).isEqualTo(202);
        assertThat(producer.history().get(0).key()).isEqualTo("ops");
    }

    @Test
    void unfreezeIsPublishedAsADomainCommandKeyedByTheDomain() throws Exception {
        HttpResponse<String> r = post("/v1/domains/main/unfreeze?mode=reset", "ops-token", "");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"domain\":\"main\"").contains("\"mode\":\"reset\"");
        assertThat(post("/v1/domains/ops/unfreeze", "ci-token", "{\"mode\":\"ADOPT\"}").statusCode()).isEqualTo(202);

        assertThat(producer.history()).extracting(rec -> rec.key()).containsExactly("main", "ops");
        assertThat(producer.history()).extracting(rec -> rec.value()).containsExactly(
                new Command.Unfreeze("main", "reset", io.patchbay.contracts.command.Submitter.http("ops"), NOW),
                new Command.Unfreeze("ops", "adopt", io.patchbay.contracts.command.Submitter.http("ci"), NOW));
    }

    @Test
    void unfreezeIsRefusedWithoutModeOrTokenAndForAForeignDomain() throws Exception {
        HttpResponse<String> noMode = post("/v1/domains/main/unfreeze", "ops-token", "");
        assertThat(noMode.statusCode()).isEqualTo(400);
        assertThat(noMode.body()).contains("mode=adopt").contains("mode=reset");
        assertThat(post("/v1/domains/main/unfreeze?mode=revert", "ops-token", "").statusCode()).isEqualTo(400);
        assertThat(post("/v1/domains/main/unfreeze?mode=reset", null, "").statusCode()).isEqualTo(401);
        assertThat(post("/v1/domains/main/unfreeze?mode=reset", "ci-token", "").statusCode()).isEqualTo(403);
        assertThat(post("/v1/domains/..%2Fetc/unfreeze?mode=reset", "ops-token", "").statusCode()).isEqualTo(404);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void digestOnDemandNeedsATokenAndAConfiguredSlackDigest() throws Exception {
        assertThat(post("/v1/digest/slack", null, "").statusCode()).isEqualTo(401);
        HttpResponse<String> r = post("/v1/digest/slack?since=24h", "ops-token", "");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no Slack digest is configured");
    }

    @Test
    void kafkaRefusingTheCommandIs503() throws Exception {
        MockProducer<String, Command> failing = Samples.ackingProducer();
        failing.sendException = new org.apache.kafka.common.errors.TimeoutException("broker gone");
        OperatorRoutes routes = new OperatorRoutes(inbox, new KafkaCommandPublisher(failing),
                id -> Optional.of("main"), Clock.systemUTC());
        Javalin other = Javalin.create(cfg -> routes.addRoutes(cfg.routes)).start("127.0.0.1", 0);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + other.port()
                    + "/v1/patches/x/retry")).header("Authorization", "Bearer ops-token")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(503);
        } finally {
            other.stop();
        }
    }
}
