package io.patchbay.contracts.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import com.networknt.schema.path.PathType;
import com.networknt.schema.serialization.node.LocationJsonNodeFactory;
import io.patchbay.contracts.Json;
import com.networknt.schema.utils.JsonNodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Checks a document against one of the JSON Schemas shipped in {@code contracts/schema/}. The
 * document is read with the source position of every node, so each problem names its JSON pointer
 * and, where the parser gave one, its line.
 */
public final class SchemaCheck {

    /** The schema of patch envelopes, JSON or YAML, including the Node-runner form. */
    public static final String PATCH = "/schema/patch.schema.json";
    /** The schema of the execution contract. */
    public static final String CONTRACT = "/schema/execution-contract.schema.json";
    /** The schema of the self-evaluation rubric. */
    public static final String RUBRIC = "/schema/self-evaluation-rubric.schema.json";

    /** Bounds the answer to a hostile document. */
    public static final int MAX_PROBLEMS = 50;

    /** The base of the schemas' {@code $id}s. */
    public static final String ID_BASE = "https://patchbay.io/schema/";

    /** One problem: where (a JSON pointer, {@code ""} for the whole document), the line (0 if unknown) and why. */
    public record Problem(String pointer, int line, String message) {

        /** {@code /files/0/path: message}, the form patch submitters see. */
        public String withPointer() {
            return (pointer.isEmpty() ? "/" : pointer) + ": " + message;
        }

        /** {@code domains.main.limits: message}, the form contract authors see. */
        public String withDottedPath() {
            String dotted = pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.');
            return (dotted.isEmpty() ? "" : dotted + ": ") + message;
        }
    }

    private final Schema schema;
    private final String noun;

    private SchemaCheck(Schema schema, String noun) {
        this.schema = schema;
        this.noun = noun;
    }

    /** Loads a schema from the class path, such as {@link #PATCH}; {@code noun} names what it describes in messages. */
    public static SchemaCheck of(String resource, String noun) {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .pathType(PathType.JSON_POINTER)
                .formatAssertionsEnabled(true)
                // Lets a schema say in its own words what a combination of keywords means.
                .errorMessageKeyword("message")
                .build();
        // The schemas refer to each other by $id; they are served from the class path, never fetched.
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(config).schemas(SchemaCheck::bundled));
        String text = bundled(ID_BASE + resource.substring(resource.lastIndexOf('/') + 1));
        if (text == null) {
            throw new IllegalStateException("the schema " + resource + " is missing from the class path");
        }
        return new SchemaCheck(registry.getSchema(SchemaLocation.of(ID_BASE + resource.substring(resource.lastIndexOf('/') + 1))), noun);
    }

    private static String bundled(String iri) {
        if (iri == null || !iri.startsWith(ID_BASE)) {
            return null;
        }
        String name = iri.substring(ID_BASE.length());
        int hash = name.indexOf('#');
        name = hash >= 0 ? name.substring(0, hash) : name;
        try (InputStream in = SchemaCheck.class.getResourceAsStream("/schema/" + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads JSON or YAML text into a tree whose nodes know their source position.
     *
     * @throws IOException when the text is not well-formed
     */
    public static JsonNode read(String text, boolean yaml) throws IOException {
        ObjectMapper mapper = yaml ? Json.yaml() : Json.mapper();
        try (JsonParser parser = mapper.getFactory().createParser(text)) {
            JsonNode node = mapper.reader(new LocationJsonNodeFactory(parser)).readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new JsonParseException(parser, "there is more after the end of the document");
            }
            return node;
        }
    }

    /** The source line of a node read by {@link #read}, or 0. */
    public static int lineOf(JsonNode node) {
        JsonLocation at = node == null ? null : JsonNodes.tokenStreamLocationOf(node);
        return at == null || at.getLineNr() < 0 ? 0 : at.getLineNr();
    }

    /** Every problem of the document, ordered by position, at most {@link #MAX_PROBLEMS}. */
    public List<Problem> check(JsonNode document) {
        List<Error> errors = schema.validate(document);
        var out = new LinkedHashSet<Problem>();
        for (Error e : errors) {
            out.add(problem(e));
        }
        return out.stream()
                .sorted(Comparator.comparingInt((Problem p) -> p.line() == 0 ? Integer.MAX_VALUE : p.line())
                        .thenComparing(Problem::pointer))
                .limit(MAX_PROBLEMS)
                .toList();
    }

    private Problem problem(Error e) {
        String pointer = pointer(e.getInstanceLocation());
        JsonNode node = e.getInstanceNode();
        String keyword = Objects.toString(e.getKeyword(), "");
        String message;
        if (e.isCustomMessage()) {
            keyword = "custom";
        }
        switch (keyword) {
            case "additionalProperties", "unevaluatedProperties" -> {
                pointer = pointer + "/" + escape(e.getProperty());
                node = node == null ? null : node.get(e.getProperty());
                message = "'" + e.getProperty() + "' is not a " + noun + " field";
            }
            case "required" -> message = "'" + e.getProperty() + "' is required";
            case "type" -> message = "expected " + expected(e.getSchemaNode()) + ", found " + found(node);
            case "enum" -> message = "expected one of " + enumValues(e.getSchemaNode()) + ", found " + found(node);
            case "pattern" -> message = patternMessage(e, node);
            default -> message = stripLocation(e.getMessage(), pointer);
        }
        return new Problem(pointer, lineOf(node), message);
    }

    private static String patternMessage(Error e, JsonNode node) {
        String value = node == null ? "" : node.asText();
        String schemaAt = String.valueOf(e.getSchemaLocation());
        if (schemaAt.contains("/duration")) {
            return "'" + value + "' is not a duration; write it like 500ms, 30s, 5m, 2h or 1d";
        }
        if (schemaAt.contains("/nonBlank")) {
            return "must not be blank";
        }
        return "'" + value + "' does not have the expected form " + e.getSchemaNode().asText();
    }

    private static String expected(JsonNode typeNode) {
        if (typeNode == null) {
            return "another type";
        }
        if (typeNode.isArray()) {
            var names = new ArrayList<String>();
            typeNode.forEach(t -> names.add(article(t.asText())));
            return String.join(" or ", names);
        }
        return article(typeNode.asText());
    }

    private static String article(String type) {
        return switch (type) {
            case "object" -> "an object";
            case "array" -> "a list";
            case "integer" -> "an integer";
            case "string" -> "a text";
            case "boolean" -> "true or false";
            case "number" -> "a number";
            default -> type;
        };
    }

    private static String found(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        String text = node.isTextual() ? "'" + node.asText() + "'" : node.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static String enumValues(JsonNode values) {
        if (values == null || !values.isArray()) {
            return "the listed values";
        }
        var names = new ArrayList<String>();
        values.forEach(v -> names.add(v.asText()));
        return names.stream().collect(Collectors.joining(", "));
    }

    private static String pointer(NodePath path) {
        if (path == null) {
            return "";
        }
        var sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            sb.append('/').append(escape(path.getName(i)));
        }
        return sb.toString();
    }

    private static String escape(String segment) {
        return segment == null ? "" : segment.replace("~", "~0").replace("/", "~1");
    }

    /** The library's message starts with the location; the pointer is shown separately. */
    private static String stripLocation(String message, String pointer) {
        if (message == null) {
            return "is not valid here";
        }
        int colon = message.indexOf(": ");
        return colon >= 0 && colon < message.length() - 2 && (message.startsWith("/") || message.startsWith("$")
                || message.startsWith(":")) ? message.substring(colon + 2) : message;
    }
}
