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
        refuseNul(input);
        Patch patch = switch (format) {
            case JSON -> envelope(utf8(input), false, targets == null ? NodeTargets.NONE : targets);
            case YAML -> envelope(utf8(input), true, targets == null ? NodeTargets.NONE : targets);
            case DIFF -> bareDiff(input);
        };
        if (patch.id() != null && !isValidId(patch.id())) {
            throw new PatchFormatException("/id: the id '" + printable(patch.id())
                    + "' does not match " + ID_RULE + " (letters, digits, '.', '_' and '-', at most 128)");
        }
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

    /** What a patch id may be: it shows up in file names, refs, commit trailers and URLs. */
    public static final String ID_RULE = "[A-Za-z0-9._-]{1,128}";

    /** Whether an id keeps to {@link #ID_RULE}; checked by hand, so a long id costs one pass. */
    public static boolean isValidId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void refuseNul(byte[] input) {
        for (byte b : input) {
            if (b == 0) {
                throw new PatchFormatException("the submission is binary (it contains NUL bytes), not a patch");
            }
        }
    }

    private static String utf8(byte[] input) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new PatchFormatException("the submission is not UTF-8 text");
        }
        if (text.isBlank()) {
            throw new PatchFormatException("the submission is empty");
        }
        return text;
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

    private static Patch bareDiff(byte[] input) {
        // A byte-for-byte view: every marker looked for is ASCII, and the diff itself stays the bytes sent.
        String text = new String(input, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) {
            throw new PatchFormatException("the submission is empty");
        }
        if (!looksLikeDiff(text)) {
            throw new PatchFormatException("the text is not a unified diff: no '--- ' / '+++ ' file headers or 'diff --git' line");
        }
        String title = null;
        String author = null;
        int firstDiff = indexOfDiffStart(text);
        if (firstDiff > 0) {
            String head = new String(input, 0, firstDiff, StandardCharsets.UTF_8);
            title = mailHeader(head, "Subject:");
            if (title != null && title.startsWith("[") && title.indexOf(']') > 0) {
                // "[PATCH 1/3] Fix it" is titled "Fix it".
                title = title.substring(title.indexOf(']') + 1).strip();
            }
            author = mailHeader(head, "From:");
        }
        return new Patch(null, null, title, null, author, Diff.of(input), null, null, null, null, null);
    }

    /** The value of the first line of {@code head} that starts with {@code name}, or null; a plain scan. */
    private static String mailHeader(String head, String name) {
        int at = 0;
        while (at < head.length()) {
            int end = head.indexOf('\n', at);
            if (end < 0) {
                end = head.length();
            }
            if (head.startsWith(name, at)) {
                String value = head.substring(at + name.length(), end).strip();
                if (!value.isEmpty()) {
                    return value;
                }
            }
            at = end + 1;
        }
        return null;
    }

    private static String printable(String s) {
        var out = new StringBuilder();
        s.codePoints().limit(140).forEach(c -> out.append(c < 0x20 || c == 0x7f ? "\\x" + Integer.toHexString(c)
                : Character.toString(c)));
        return out.toString();
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
