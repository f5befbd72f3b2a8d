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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each operator route and the inbox answer only a token that holds the scope they need. */
class OperatorScopesTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One token per scope, named after it: "submit-token" holds only submit, and so on. */
    private static final List<Scope> SCOPES = List.of(Scope.SUBMIT, Scope.APPROVE, Scope.OPERATE);

    /** Every operator route and the scope it needs. */
    private static final Map<String, Scope> ROUTES = Map.of(
            "/v1/patches/known/approve", Scope.APPROVE,
            "/v1/patches/known/reject", Scope.APPROVE,
            "/v1/patches/known/cancel", Scope.OPERATE,
            "/v1/patches/known/retry", Scope.OPERATE,
            "/v1/patches/known/release", Scope.OPERATE,
            "/v1/patches/known/discard", Scope.OPERATE,
            "/v1/domains/main/unfreeze?mode=adopt", Scope.OPERATE);

    private final MockProducer<String, Command> producer = Samples.ackingProducer();
    private HttpInbox inbox;
    private Javalin app;

    @BeforeEach
    void start() {
        List<InboxToken> tokens = SCOPES.stream()
                .map(s -> InboxToken.anyDomain(s.label(), Json.sha256Hex(s.label() + "-token")).withScopes(Set.of(s)))
                .toList();
        inbox = new HttpInbox(HttpInbox.Config.of(tokens), new KafkaCommandPublisher(producer));
        OperatorRoutes routes = new OperatorRoutes(inbox, new KafkaCommandPublisher(producer),
                id -> id.equals("known") ? Optional.of("main") : Optional.empty(), Clock.systemUTC());
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            inbox.addRoutes(cfg.routes);
            routes.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        inbox.close();
    }

    private HttpResponse<String> post(String path, Scope tokenScope, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Authorization", "Bearer " + tokenScope.label() + "-token")
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyOperatorRouteAnswers403NamingTheScopeToATokenWithoutItAnd202ToOneWithIt() throws Exception {
        for (Map.Entry<String, Scope> route : ROUTES.entrySet()) {
            for (Scope held : SCOPES) {
                int before = producer.history().size();
                HttpResponse<String> r = post(route.getKey(), held, "application/json", "");
                if (held == route.getValue()) {
                    assertThat(r.statusCode()).as("%s with %s", route.getKey(), held).isEqualTo(202);
                    assertThat(producer.history()).hasSize(before + 1);
                } else {
                    assertThat(r.statusCode()).as("%s with %s", route.getKey(), held).isEqualTo(403);
                    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                            t -> assertThat(t).contains("application/problem+json"));
                    assertThat(Json.mapper().readTree(r.body()).path("detail").asText())
                            .contains("lacks the scope '" + route.getValue().label() + "'");
                    assertThat(Json.mapper().readTree(r.body()).path("scope").asText())
                            .isEqualTo(route.getValue().label());
                    assertThat(Json.mapper().readTree(r.body()).path("instance").asText())
                            .isEqualTo(URI.create(route.getKey()).getPath());
                    assertThat(producer.history()).hasSize(before);
                }
            }
        }
    }

    @Test
    void theDigestRouteIsAnOperatorAction() throws Exception {
        HttpResponse<String> refused = post("/v1/digest/slack", Scope.APPROVE, "application/json", "");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("lacks the scope 'operate'");
        // Past the scope check: no digest is configured in this test.
        assertThat(post("/v1/digest/slack", Scope.OPERATE, "application/json", "").statusCode()).isEqualTo(404);
    }

    @Test
    void submittingAndTheDryRunNeedTheSubmitScope() throws Exception {
        for (Scope held : List.of(Scope.APPROVE, Scope.OPERATE)) {
            HttpResponse<String> submit = post(HttpInbox.PATH, held, "application/json", Samples.JSON);
            assertThat(submit.statusCode()).isEqualTo(403);
            assertThat(submit.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).contains("application/problem+json"));
            assertThat(submit.body()).contains("lacks the scope 'submit'");
            assertThat(post(HttpInbox.PATH + "?dryRun=true", held, "application/json", Samples.JSON).body())
                    .contains("lacks the scope 'submit'");
        }
        assertThat(producer.history()).isEmpty();

        assertThat(post(HttpInbox.PATH, Scope.SUBMIT, "application/json", Samples.JSON).statusCode()).isEqualTo(202);
        assertThat(producer.history()).hasSize(1);
    }
}
