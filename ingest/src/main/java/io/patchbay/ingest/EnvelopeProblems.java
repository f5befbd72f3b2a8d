package io.patchbay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds every problem in a JSON or YAML envelope, not just the first. {@link PatchReader} stops at
 * the first mapping error, which makes a submitter fix one field per round trip. Here the offending
 * node is cut out of the tree and the rest read again, until it reads or nothing more can be cut.
 * PatchReader stays the only judge of what a patch is, so no problem is reported that it would not
 * report itself; pointers into arrays are mapped back to the indices of the original input.
 */
final class EnvelopeProblems {

    /** Bounds the work a hostile envelope can cause. */
    static final int MAX_PROBLEMS = 50;

    private EnvelopeProblems() {}

    static List<String> collect(byte[] input, Format format, String defaultDomain, PatchFormatException first) {
        var problems = new LinkedHashSet<>(first.problems());
        ObjectMapper mapper = format == Format.YAML ? Json.yaml() : Json.mapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(input);
        } catch (java.io.IOException | RuntimeException e) {
            // A syntax error: the parser cannot go past it, so the first problem is all there is.
            return List.copyOf(problems);
        }
        if (tree == null || !tree.isContainerNode()) {
            return List.copyOf(problems);
        }
        Map<JsonNode, TreeSet<Integer>> removed = new IdentityHashMap<>();
        String current = first.problems().get(0);
        while (problems.size() < MAX_PROBLEMS && cut(tree, pointerOf(current), removed)) {
            try {
                PatchReader.read(mapper.writeValueAsBytes(tree), format, defaultDomain);
                break;
            } catch (PatchFormatException next) {
                current = next.problems().get(0);
                if (!problems.add(inOriginalIndices(tree, current, removed))) {
                    break;
                }
            } catch (JsonProcessingException e) {
                break;
            }
        }
        return List.copyOf(problems);
    }

    /** The JSON pointer a problem starts with ({@code /files/0/path: ...}), or null. */
    static String pointerOf(String problem) {
        int colon = problem.indexOf(": ");
        if (!problem.startsWith("/") || colon <= 1) {
            return null;
        }
        return problem.substring(0, colon);
    }

    private static boolean cut(JsonNode root, String pointer, Map<JsonNode, TreeSet<Integer>> removed) {
        if (pointer == null) {
            return false;
        }
        String[] segments = pointer.substring(1).split("/", -1);
        JsonNode parent = root;
        for (int i = 0; i < segments.length - 1 && parent != null; i++) {
            parent = child(parent, segments[i]);
        }
        String last = segments[segments.length - 1];
        if (parent instanceof ObjectNode) {
            return ((ObjectNode) parent).remove(last) != null;
        }
        if (parent instanceof ArrayNode) {
            ArrayNode array = (ArrayNode) parent;
            Integer index = index(last);
            if (index == null || index >= array.size()) {
                return false;
            }
            TreeSet<Integer> gone = removed.computeIfAbsent(array, a -> new TreeSet<>());
            gone.add(original(gone, index));
            array.remove(index);
            return true;
        }
        return false;
    }

    private static String inOriginalIndices(JsonNode root, String problem, Map<JsonNode, TreeSet<Integer>> removed) {
        String pointer = pointerOf(problem);
        if (pointer == null) {
            return problem;
        }
        List<String> out = new ArrayList<>();
        JsonNode node = root;
        for (String segment : pointer.substring(1).split("/", -1)) {
            Integer index = index(segment);
            if (node instanceof ArrayNode && index != null) {
                TreeSet<Integer> gone = removed.get(node);
                out.add(String.valueOf(gone == null ? index : original(gone, index)));
            } else {
                out.add(segment);
            }
            node = node == null ? null : child(node, segment);
        }
        return "/" + String.join("/", out) + problem.substring(pointer.length());
    }

    /** Index {@code i} of an array after the removals in {@code gone}, as an index of the array before them. */
    private static int original(TreeSet<Integer> gone, int i) {
        int o = i;
        for (int r : gone) {
            if (r <= o) {
                o++;
            } else {
                break;
            }
        }
        return o;
    }

    private static JsonNode child(JsonNode node, String segment) {
        if (node instanceof ArrayNode) {
            Integer index = index(segment);
            return index == null ? null : node.get(index);
        }
        return node.get(segment);
    }

    private static Integer index(String segment) {
        if (segment.isEmpty() || segment.length() > 9 || !segment.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Integer.parseInt(segment);
    }
}
