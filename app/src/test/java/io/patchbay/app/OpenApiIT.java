package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.patchbay.app.RouteAgreement.Route;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.ingest.OperatorRoutes;
import io.patchbay.ingest.slack.FakeSlack;
import io.patchbay.ingest.slack.SlackSettings;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchbay up} with every part running, Slack included, against its OpenAPI document: every
 * route the server serves is described and every described operation is served, and every
 * operation, asked with and without a token, answers a status and media type the document lists,
 * with a body its schema takes (errors as RFC 9457 problems).
 */
class OpenApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String UNKNOWN_PATCH = "no-such-patch";

    @TempDir
    static Path home;

    static FakeSlack slack;
    static Patchbay patchbay;
    static PatchbayClient client;
    static JsonNode document;
    static String knownPatch;

    @BeforeAll
    static void start() throws Exception {
        slack = new FakeSlack();
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0), Map.of(
                SlackSettings.ENV_SIGNING_SECRET, "8f742231b10e8888abcd99yyyzzz85a5",
                SlackSettings.ENV_BOT_TOKEN, FakeSlack.BOT_TOKEN,
                SlackSettings.ENV_API_URL, slack.apiUrl()));
        client = PatchbayClient.whenReady(patchbay);
        document = client.get(OpenApiDocument.PATH).json();
        // One real patch, the document's own example, so the read operations answer with a patch.
        String example = Json.canonical(
                document.at("/paths/~1v1~1patches/post/requestBody/content/application~1json/example"));
        PatchbayClient.Reply submitted = client.submit("application/json", example, null);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        knownPatch = submitted.json().path("id").asText();
        await().atMost(WAIT).until(() -> client.get("/v1/patches/" + knownPatch).status() == 200);
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

    @Test
    void servesTheDocumentAsJson() throws Exception {
        PatchbayClient.Reply reply = client.get(OpenApiDocument.PATH);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("Content-Type")).startsWith("application/json");
        assertThat(reply.json()).isEqualTo(OpenApiDocument.load().document());
    }

    @Test
    void everyRouteIsDescribedAndEveryDescribedOperationIsServed() {
        List<Route> routes = RouteAgreement.routesOf(patchbay.http());
        assertThat(routes).contains(new Route("POST", "/slack/events"), new Route("GET", OpenApiDocument.PATH));
        assertThat(RouteAgreement.disagreements(routes, document)).isEmpty();
    }

    @Test
    void theActionRouteServesExactlyTheDescribedActions() {
        var described = new TreeSet<String>();
        RouteAgreement.operationsOf(document).stream()
                .filter(op -> op.method().equals("POST") && op.path().matches("/v1/patches/\\{id}/[a-z]+"))
                .forEach(op -> described.add(op.path().substring(op.path().lastIndexOf('/') + 1)));
        assertThat(described).containsExactlyInAnyOrderElementsOf(OperatorRoutes.ACTIONS);
    }

    @Test
    void everyOperationAnswersAsDescribed() throws Exception {
        var problems = new ArrayList<String>();
        int asked = 0;
        for (Route op : RouteAgreement.operationsOf(document)) {
            boolean secured = operation(op).path("security").path(0).has("bearer");
            for (boolean withToken : secured ? List.of(false, true) : List.of(false)) {
                problems.addAll(check(op, "", withToken));
                asked++;
            }
        }
        // The answers only a dry run gives.
        problems.addAll(check(new Route("POST", "/v1/patches"), "?dryRun=true", true));
        assertThat(asked).isGreaterThan(30);
        assertThat(problems).isEmpty();
    }

    @Test
    void aPathNoRouteServesAndAMethodAPathDoesNotAnswerAreDescribedProblems() throws Exception {
        Schema problem = schemaOf(document.at("/components/schemas/Problem"));
        PatchbayClient.Reply unknown = client.get("/v1/nothing-here");
        PatchbayClient.Reply wrongMethod = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/health"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(wrongMethod.status()).isEqualTo(405);
        for (PatchbayClient.Reply reply : List.of(unknown, wrongMethod)) {
            assertThat(reply.header("Content-Type")).startsWith(Problem.CONTENT_TYPE);
            assertThat(OpenApiDocumentTest.messages(problem.validate(reply.json()))).as(reply.body()).isEmpty();
        }
    }

    /** What is wrong with one answer to the operation, in sentences naming it. */
    private static List<String> check(Route op, String query, boolean withToken) throws Exception {
        String path = op.path().replace("{domain}", "main")
                .replace("{id}", op.method().equals("GET") ? knownPatch : UNKNOWN_PATCH);
        JsonNode operation = operation(op);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + path + query))
                .timeout(Duration.ofSeconds(30));
        if (op.method().equals("POST")) {
            JsonNode example = operation.at("/requestBody/content/application~1json/example");
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    query.isEmpty() || example.isMissingNode() ? "{}" : Json.canonical(example)));
        } else {
            request.method(op.method(), HttpRequest.BodyPublishers.noBody());
        }
        if (withToken) {
            request.header("Authorization", "Bearer " + patchbay.token());
        }
        PatchbayClient.Reply reply = client.send(request.build());
        String asked = op.method() + " " + path + query + (withToken ? " with a token" : " without a token");
        JsonNode response = resolve(operation.path("responses").path(String.valueOf(reply.status())));
        if (response.isMissingNode()) {
            return List.of(asked + " answered " + reply.status() + ", which the document does not list: "
                    + reply.body());
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || reply.body().isEmpty()) {
            return List.of();
        }
        String mediaType = String.valueOf(reply.header("Content-Type")).split(";")[0].trim();
        if (!content.has(mediaType)) {
            return List.of(asked + " answered " + reply.status() + " as " + mediaType + ", but the document lists "
                    + Json.canonical(content.properties().stream().map(Map.Entry::getKey).toList()));
        }
        var out = new ArrayList<String>();
        if (mediaType.endsWith("json")) {
            for (var e : schemaOf(content.path(mediaType).path("schema")).validate(reply.json())) {
                out.add(asked + " answered " + reply.status() + " with a body its schema refuses: "
                        + e.getInstanceLocation() + " " + e.getMessage());
            }
        }
        if (mediaType.equals(Problem.CONTENT_TYPE) && !reply.json().path("instance").asText().equals(path)) {
            out.add(asked + " answered a problem whose instance is not the path: " + reply.body());
        }
        return out;
    }

    private static JsonNode operation(Route op) {
        return document.path("paths").path(op.path()).path(op.method().toLowerCase(java.util.Locale.ROOT));
    }

    /** A Response Object, following one {@code $ref} into the components. */
    private static JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? document.at(ref.substring(1)) : node;
    }

    /**
     * A schema of the document as a validator: the document itself, with the schema at its root, so
     * that {@code #/components/...} references resolve as in the document.
     */
    private static Schema schemaOf(JsonNode schema) {
        ObjectNode root = document.deepCopy();
        root.remove(List.of("openapi", "info", "paths", "tags"));
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "urn:patchbay:openapi");
        root.putArray("allOf").add(schema);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(root);
    }
}
