package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import io.patchbay.contracts.view.ViewsUnavailable;
import io.patchbay.health.HealthRoutes;
import io.patchbay.ingest.HttpInbox;
import io.patchbay.ingest.InboxToken;
import io.patchbay.ingest.OperatorRoutes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every error the HTTP server answers is an RFC 9457 problem naming the request path: the routes'
 * own refusals, unknown paths, wrong methods, Javalin's own errors and exceptions nobody caught;
 * Slack's path keeps what its handler wrote.
 */
class HttpProblemsTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String SECRET_MESSAGE = "cannot open /srv/patchbay/var/secrets/tokens.yml";

    /** Views of a cluster one of whose instances does not answer. */
    private static final Views ASKED_WHILE_AN_INSTANCE_IS_AWAY = new Views() {
        @Override
        public Optional<PatchView> patch(String id) {
            throw new ViewsUnavailable("instance 10.0.0.2:8080 did not answer within 2500 ms");
        }

        @Override
        public List<DomainView> domains() {
            throw new ViewsUnavailable("instance 10.0.0.2:8080 did not answer within 2500 ms");
        }

        @Override
        public List<PatchView> patches(String domain, PatchStatus status, int limit) {
            throw new ViewsUnavailable("instance 10.0.0.2:8080 did not answer within 2500 ms");
        }

        @Override
        public boolean ready() {
            return true;
        }
    };

    private final List<Command> published = new ArrayList<>();
    private HttpInbox inbox;
    private Javalin app;

    @BeforeEach
    void start() {
        inbox = new HttpInbox(HttpInbox.Config.of(List.of(InboxToken.anyDomain("ci", Json.sha256Hex("ci-secret")))),
                published::add, Clock.systemUTC());
        OperatorRoutes operator = new OperatorRoutes(inbox, published::add, id -> Optional.empty(), Clock.systemUTC());
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            HttpProblems.install(cfg);
            inbox.addRoutes(cfg.routes);
            operator.addRoutes(cfg.routes);
            cfg.routes.get("/boom", ctx -> {
                throw new IllegalStateException(SECRET_MESSAGE);
            });
            cfg.routes.post("/echo", ctx -> ctx.json(ctx.bodyAsClass(Map.class)));
            cfg.routes.get("/bare", ctx -> ctx.status(409));
            cfg.routes.get("/report", ctx -> ctx.status(503).contentType("application/json").result("{\"ok\":false}"));
            cfg.routes.post(HttpProblems.SLACK_PREFIX + "events", ctx -> ctx.status(401));
            new HealthRoutes(ASKED_WHILE_AN_INSTANCE_IS_AWAY, () -> null, Map.of()).addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        inbox.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .header("Authorization", "Bearer ci-secret").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The problem document, after checking the media type and that status and instance match the answer. */
    private static JsonNode problem(HttpResponse<String> response, int status, String path) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode json = Json.mapper().readTree(response.body());
        assertThat(json.path("status").asInt()).isEqualTo(status);
        assertThat(json.path("instance").asText()).isEqualTo(path);
        assertThat(json.path("type").asText()).isNotBlank();
        assertThat(json.path("title").asText()).isNotBlank();
        assertThat(json.path("detail").asText()).isNotBlank();
        return json;
    }

    @Test
    void viewsThatCannotBeAnsweredWholeAreA503ProblemToRetry() throws Exception {
        for (String path : List.of("/v1/domains", "/v1/patches/p-1", "/v1/patches", "/health")) {
            HttpResponse<String> response = send("GET", path, null);
            JsonNode json = problem(response, 503, path);
            assertThat(response.headers().firstValue("Retry-After")).as(path).hasValue("1");
            assertThat(json.path("type").asText()).endsWith("views-not-ready");
            assertThat(json.path("detail").asText()).contains("10.0.0.2:8080 did not answer");
        }
    }

    @Test
    void unknownPathIsA404Problem() throws Exception {
        JsonNode json = problem(send("GET", "/v1/nowhere", null), 404, "/v1/nowhere");
        assertThat(json.path("title").asText()).isEqualTo("Not Found");
        assertThat(json.path("detail").asText()).contains("/v1/nowhere");
    }

    @Test
    void knownPathAskedWithTheWrongMethodIsA405Problem() throws Exception {
        JsonNode json = problem(send("DELETE", HttpInbox.PATH, null), 405, HttpInbox.PATH);
        assertThat(json.path("detail").asText()).contains("DELETE");
    }

    @Test
    void uncaughtExceptionIsA500ProblemWithAnErrorIdAndNoInternals() throws Exception {
        HttpResponse<String> response = send("GET", "/boom", null);
        JsonNode json = problem(response, 500, "/boom");
        assertThat(response.body()).doesNotContain("secrets").doesNotContain("IllegalStateException")
                .doesNotContain("at io.patchbay");
        String id = json.path("errorId").asText();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(json.path("detail").asText()).contains(id);
    }

    @Test
    void malformedJsonBodyIsA400ProblemFromTheInboxWithEveryError() throws Exception {
        JsonNode json = problem(send("POST", HttpInbox.PATH, "{\"domain\": \"main\", "), 400, HttpInbox.PATH);
        assertThat(json.path("errors").isArray()).isTrue();
        assertThat(json.path("errors")).isNotEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void bodyJavalinCannotReadIsA400ProblemWithoutInternals() throws Exception {
        HttpResponse<String> response = send("POST", "/echo", "{not json");
        JsonNode json = problem(response, 400, "/echo");
        assertThat(json.path("detail").asText()).contains("not valid JSON").contains("line 1");
        assertThat(response.body()).doesNotContain("fasterxml").doesNotContain("Exception");
    }

    @Test
    void errorStatusSetWithoutABodyBecomesAProblem() throws Exception {
        JsonNode json = problem(send("GET", "/bare", null), 409, "/bare");
        assertThat(json.path("type").asText()).isEqualTo("about:blank");
        assertThat(json.path("title").asText()).isEqualTo("Conflict");
    }

    @Test
    void routesOwnProblemsKeepTheirDetailAndGainTheirPath() throws Exception {
        JsonNode json = problem(send("POST", HttpInbox.PATH + "/p1/bless", null), 404, HttpInbox.PATH + "/p1/bless");
        assertThat(json.path("detail").asText()).contains("'bless' is not an action");
    }

    @Test
    void anErrorAnswerARouteWroteItselfIsLeftAsItIs() throws Exception {
        HttpResponse<String> response = send("GET", "/report", null);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"ok\":false}");
    }

    @Test
    void slackAnswersAreLeftAsTheirHandlerMadeThem() throws Exception {
        HttpResponse<String> response = send("POST", HttpProblems.SLACK_PREFIX + "events", "{}");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem");
    }
}
