package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.schema.SchemaCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of patchbay's HTTP API, served at {@value #PATH}. It is written by hand
 * in {@value #SOURCE}, where YAML keeps it readable; a schema there that only refers to one of the
 * JSON Schemas patchbay publishes ({@code https://patchbay.io/schema/...}) is replaced by that
 * schema itself, so the document describes a patch with the very schema the inbox checks, and a
 * client needs nothing but this one document.
 */
final class OpenApiDocument {

    static final String PATH = "/openapi.json";
    static final String SOURCE = "/openapi/patchbay.openapi.yml";

    private final JsonNode document;
    private final byte[] json;

    private OpenApiDocument(JsonNode document) {
        this.document = document;
        try {
            this.json = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document shipped with patchbay, with the published schemas it refers to put in. */
    static OpenApiDocument load() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + SOURCE + " is missing from the app jar");
            }
            return new OpenApiDocument(bundle(Json.yaml().readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves the document. */
    void addRoute(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(json));
    }

    /** The document as it is served. */
    JsonNode document() {
        return document.deepCopy();
    }

    private static JsonNode bundle(JsonNode document) {
        JsonNode schemas = document.path("components").path("schemas");
        if (schemas instanceof ObjectNode named) {
            for (Map.Entry<String, JsonNode> e : new ArrayList<>(named.properties())) {
                String ref = e.getValue().path("$ref").asText("");
                if (e.getValue().size() == 1 && ref.startsWith(SchemaCheck.ID_BASE)) {
                    named.set(e.getKey(), published(ref.substring(SchemaCheck.ID_BASE.length())));
                }
            }
        }
        return document;
    }

    /** One of the schemas in contracts' {@code schema/}; it keeps its {@code $id}, against which its own references resolve. */
    private static JsonNode published(String name) throws UncheckedIOException {
        try (InputStream in = SchemaCheck.class.getResourceAsStream("/schema/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document refers to " + SchemaCheck.ID_BASE + name
                        + ", which patchbay does not publish");
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
