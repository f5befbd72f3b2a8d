package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.schema.SchemaCheck;
import io.patchbay.ingest.OperatorRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is a valid OpenAPI 3.1 document (checked against the OpenAPI Initiative's
 * own schema of 3.1 documents), its schemas are valid JSON Schemas, its references resolve, the
 * patch it describes is the one the inbox checks, and GET /openapi.json serves it as JSON.
 */
class OpenApiDocumentTest {

    /** The schema of OpenAPI 3.1 documents, shipped with the tests (see openapi/README.md there). */
    static final String OAS_31_SCHEMA = "https://spec.openapis.org/oas/3.1/schema/2025-11-23";

    private static final JsonNode DOCUMENT = OpenApiDocument.load().document();

    static List<String> oasProblems(JsonNode document) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(iri -> OAS_31_SCHEMA.equals(iri) ? resource("/openapi/oas-3.1-schema.json") : null));
        return messages(registry.getSchema(SchemaLocation.of(OAS_31_SCHEMA)).validate(document));
    }

    @Test
    void isAValidOpenApi31Document() {
        assertThat(DOCUMENT.path("openapi").asText()).startsWith("3.1.");
        assertThat(oasProblems(DOCUMENT)).isEmpty();
    }

    @Test
    void theCheckRefusesADocumentThatIsNotOpenApi() {
        ObjectNode broken = DOCUMENT.deepCopy();
        broken.remove("info");
        ((ObjectNode) broken.path("paths").path("/health").path("get").path("responses")).put("2xx!", "fine");
        assertThat(oasProblems(broken)).anyMatch(m -> m.contains("info")).anyMatch(m -> m.contains("2xx!"));
    }

    @Test
    void everySchemaInTheDocumentIsAValidJsonSchema() {
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        var problems = new ArrayList<String>();
        List<JsonNode> schemas = schemasIn(DOCUMENT);
        assertThat(schemas).hasSizeGreaterThan(20);
        for (JsonNode schema : schemas) {
            messages(metaSchema.validate(schema)).forEach(m -> problems.add(schema + ": " + m));
        }
        assertThat(problems).isEmpty();
        assertThat(messages(metaSchema.validate(Json.mapper().createObjectNode().put("type", "text"))))
                .as("the meta-schema refuses a schema with an unknown type").isNotEmpty();
    }

    @Test
    void everyReferenceInTheDocumentResolves() {
        var refs = new TreeSet<String>();
        collectRefs(DOCUMENT, refs);
        assertThat(refs).contains("#/components/schemas/Patch", "#/components/schemas/Problem");
        assertThat(refs).allSatisfy(ref -> assertThat(DOCUMENT.at(ref.substring(1)).isMissingNode())
                .as("%s resolves in the document", ref).isFalse());
    }

    @Test
    void describesPatchesWithTheSchemaTheInboxChecks() throws IOException {
        JsonNode patch = DOCUMENT.at("/components/schemas/Patch");
        assertThat(patch.path("$id").asText()).isEqualTo(SchemaCheck.ID_BASE + "patch.schema.json");
        assertThat(patch).isEqualTo(Json.mapper().readTree(resource(SchemaCheck.PATCH)));
        assertThat(DOCUMENT.at("/paths/~1v1~1patches/post/requestBody/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/Patch");

        // The example in the document is a patch, and the embedded schema refuses what the inbox refuses.
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(patch);
        JsonNode example = DOCUMENT.at("/paths/~1v1~1patches/post/requestBody/content/application~1json/example");
        assertThat(messages(schema.validate(example))).isEmpty();
        assertThat(messages(schema.validate(Json.mapper().readTree("{\"domain\":\"main\",\"file\":[]}"))))
                .anyMatch(m -> m.contains("file"));
    }

    @Test
    void describesEveryErrorAsAProblemButTheReportsThatAreNot() {
        // The health reports keep their own body with their 503, a failed dry run its report, and Slack reads Bolt's answers.
        var ownBodies = List.of("GET /health 503", "GET /health/ready 503", "POST /slack/events 401",
                "POST /slack/events 503");
        var notProblems = new ArrayList<String>();
        for (RouteAgreement.Route op : RouteAgreement.operationsOf(DOCUMENT)) {
            JsonNode responses = DOCUMENT.path("paths").path(op.path()).path(op.method().toLowerCase(java.util.Locale.ROOT))
                    .path("responses");
            responses.properties().forEach(r -> {
                JsonNode response = r.getValue().has("$ref") ? DOCUMENT.at(r.getValue().get("$ref").asText().substring(1))
                        : r.getValue();
                String named = op + " " + r.getKey();
                if (r.getKey().matches("[45]\\d\\d") && !ownBodies.contains(named)
                        && !response.path("content").has(Problem.CONTENT_TYPE)) {
                    notProblems.add(named);
                }
            });
        }
        assertThat(notProblems).isEmpty();
        assertThat(DOCUMENT.at("/paths/~1v1~1patches/post/responses/422/content").has("application/json"))
                .as("a dry run that would not pass answers with its report").isTrue();
    }

    @Test
    void describesEachOperatorActionWithTheScopeItNeeds() {
        for (String action : OperatorRoutes.ACTIONS) {
            JsonNode op = DOCUMENT.path("paths").path("/v1/patches/{id}/" + action).path("post");
            assertThat(op.isMissingNode()).as("POST /v1/patches/{id}/%s is described", action).isFalse();
            String scope = action.equals("approve") || action.equals("reject") ? "approve" : "operate";
            assertThat(op.at("/security/0/bearer/0").asText()).as("the scope of %s", action).isEqualTo(scope);
        }
        assertThat(DOCUMENT.at("/paths/~1v1~1patches/post/security/0/bearer/0").asText()).isEqualTo("submit");
    }

    @Test
    void servesTheDocumentAsJson() throws Exception {
        OpenApiDocument served = OpenApiDocument.load();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            served.addRoute(cfg.routes);
        }).start("127.0.0.1", 0);
        try {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + OpenApiDocument.PATH)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(Json.mapper().readTree(res.body())).isEqualTo(DOCUMENT);
        } finally {
            app.stop();
        }
    }

    /** Every Schema Object: the named ones in components, and those of parameters, headers and media types. */
    static List<JsonNode> schemasIn(JsonNode document) {
        var out = new ArrayList<JsonNode>();
        document.path("components").path("schemas").forEach(out::add);
        collectSchemas(document.path("paths"), out);
        collectSchemas(document.path("components").path("parameters"), out);
        collectSchemas(document.path("components").path("responses"), out);
        collectSchemas(document.path("components").path("requestBodies"), out);
        return out;
    }

    private static void collectSchemas(JsonNode node, List<JsonNode> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equals("schema")) {
                    out.add(e.getValue());
                } else {
                    collectSchemas(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectSchemas(n, out));
        }
    }

    /** The document's own references; the embedded published schemas resolve theirs against their {@code $id}. */
    private static void collectRefs(JsonNode node, TreeSet<String> out) {
        if (node.isObject()) {
            if (node.has("$id")) {
                return;
            }
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual()) {
                out.add(ref.asText());
            }
            node.forEach(n -> collectRefs(n, out));
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }

    static List<String> messages(List<Error> errors) {
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }

    static String resource(String name) {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
