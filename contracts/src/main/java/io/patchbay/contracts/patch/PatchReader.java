package io.patchbay.contracts.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.schema.SchemaCheck;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what people submit into a {@link Patch}: a JSON or YAML envelope, or a bare unified diff
 * ({@code git diff}, {@code git format-patch} mbox, {@code diff -u}). Every channel uses this one
 * reader, so a patch means the same whichever way it arrives.
 */
public final class PatchReader {

    /** The forms a submission can take. */
    public enum Format {
        JSON, YAML, DIFF;

        /** The format a file name implies, or null when its extension is not one patchbay reads. */
        public static Format ofFileName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".json")) {
                return JSON;
            }
            if (n.endsWith(".yaml") || n.endsWith(".yml")) {
                return YAML;
            }
            if (n.endsWith(".diff") || n.endsWith(".patch")) {
                return DIFF;
            }
            return null;
        }

        /** The format a Content-Type implies, or null when it is not one patchbay reads. */
        public static Format ofContentType(String contentType) {
            if (contentType == null) {
                return null;
            }
            String t = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
            return switch (t) {
                case "application/json" -> JSON;
                case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> YAML;
                case "text/x-diff", "text/x-patch", "text/plain" -> DIFF;
                default -> null;
            };
        }
    }

    private static final Pattern SUBJECT = Pattern.compile("(?m)^Subject:\\s*(?:\\[[^\\]]*\\]\\s*)?(.+)$");
    private static final Pattern FROM = Pattern.compile("(?m)^From:\\s*(.+)$");

    private PatchReader() {}

    /**
     * Reads a submission. {@code defaultDomain} fills in the domain when the input names none
     * (the spool folder, {@code ?domain=}); a domain in the input wins. The id is left as given;
     * callers add the content address with {@link Patch#withDefaultId()}. Node-runner patches are
     * refused: reading them takes the contract, see {@link #read(byte[], Format, String, NodeTargets)}.
     */
    public static Patch read(byte[] input, Format format, String defaultDomain) {
        return read(input, format, defaultDomain, NodeTargets.NONE);
    }

    /**
     * Reads a submission, including patches written for the Node-based runner, whose targets and
     * absolute paths {@code targets} (the execution contract) maps to a domain and its tree.
     *
     * @throws PatchFormatException naming every problem found, each with its JSON pointer
     */
    public static Patch read(byte[] input, Format format, String defaultDomain, NodeTargets targets) {
        if (input == null || input.length == 0) {
            throw new PatchFormatException("the submission is empty");
        }
        String text = utf8(input);
        if (text.isBlank()) {
            throw new PatchFormatException("the submission is empty");
        }
        Patch patch = switch (format) {
            case JSON -> envelope(text, false, targets == null ? NodeTargets.NONE : targets);
            case YAML -> envelope(text, true, targets == null ? NodeTargets.NONE : targets);
            case DIFF -> bareDiff(text);
        };
        if ((patch.domain() == null || patch.domain().isBlank()) && defaultDomain != null) {
            patch = patch.withDomain(defaultDomain);
        }
        if (patch.title() == null || patch.title().isBlank()) {
            var paths = patch.touchedPaths();
            patch = patch.withTitle(paths.isEmpty() ? "Untitled patch" : "Change " + paths.get(0)
                    + (paths.size() > 1 ? " and " + (paths.size() - 1) + " more" : ""));
        }
        return patch;
    }

    private static String utf8(byte[] input) {
        for (byte b : input) {
            if (b == 0) {
                throw new PatchFormatException("the submission is binary (it contains NUL bytes), not a patch");
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PatchFormatException("the submission is not UTF-8 text");
        }
    }

    private static Patch envelope(String text, boolean yaml, NodeTargets targets) {
        JsonNode tree;
        try {
            tree = SchemaCheck.read(text, yaml);
        } catch (JsonProcessingException e) {
            // A syntax error: the parser cannot go past it, so it is the one problem there is.
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new PatchFormatException("line " + line + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new PatchFormatException(e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new PatchFormatException("the submission is empty");
        }
        List<SchemaCheck.Problem> problems = Schema.INSTANCE.check(tree);
        if (!problems.isEmpty()) {
            throw new PatchFormatException(problems.stream().map(PatchReader::describe).toList());
        }
        if (NodeRunnerPatch.is(tree)) {
            return NodeRunnerPatch.map(tree, targets);
        }
        ObjectMapper mapper = yaml ? Json.yaml() : Json.mapper();
        try {
            Patch p = mapper.readerFor(Patch.class).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(tree);
            if (p == null) {
                throw new PatchFormatException("the submission is empty");
            }
            return p;
        } catch (JsonMappingException e) {
            // The schema let it through, so this is a gap between schema and record: still say where.
            throw new PatchFormatException(pointer(e) + ": " + shortMessage(e));
        } catch (IOException e) {
            throw new PatchFormatException(e.getMessage());
        }
    }

    private static String describe(SchemaCheck.Problem p) {
        return p.withPointer() + (p.line() > 0 ? " (line " + p.line() + ")" : "");
    }

    private static String pointer(JsonMappingException e) {
        var sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            sb.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    private static String shortMessage(JsonMappingException e) {
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Unrecognized field")) {
            int end = msg.indexOf(" (");
            return (end > 0 ? msg.substring(0, end) : msg) + " is not a patch field";
        }
        return msg;
    }

    /** The schema, loaded once on first use. */
    private static final class Schema {
        static final SchemaCheck INSTANCE = SchemaCheck.of(SchemaCheck.PATCH, "patch");
    }

    private static Patch bareDiff(String text) {
        if (!looksLikeDiff(text)) {
            throw new PatchFormatException("the text is not a unified diff: no '--- ' / '+++ ' file headers or 'diff --git' line");
        }
        String title = null;
        String author = null;
        String diff = text;
        int firstDiff = indexOfDiffStart(text);
        if (firstDiff > 0) {
            String head = text.substring(0, firstDiff);
            Matcher s = SUBJECT.matcher(head);
            if (s.find()) {
                title = s.group(1).trim();
            }
            Matcher f = FROM.matcher(head);
            if (f.find()) {
                author = f.group(1).trim();
            }
        }
        return new Patch(null, null, title, null, author, diff, null, null, null, null, null);
    }

    static boolean looksLikeDiff(String text) {
        return text.contains("\n+++ ") || text.startsWith("diff --git ") || text.contains("\ndiff --git ")
                || text.startsWith("--- ");
    }

    private static int indexOfDiffStart(String text) {
        int best = -1;
        for (String marker : new String[] {"diff --git ", "Index: ", "--- "}) {
            int i = text.startsWith(marker) ? 0 : text.indexOf("\n" + marker);
            if (i >= 0) {
                int at = i == 0 && text.startsWith(marker) ? 0 : i + 1;
                best = best < 0 ? at : Math.min(best, at);
            }
        }
        return best;
    }
}
