package io.patchbay.contracts.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a patch written for the Node-based runner that patchbay replaces, as it is:
 * {@code blockId} becomes the id, {@code description} the title, {@code target} the domain (through
 * the contract's routes), each mutation a file change whose absolute path is mapped into the
 * domain's working tree through the contract's {@code nodePathPrefix}, {@code postMutationBuild.shell}
 * commands and {@code validate.shell} gates run by {@code sh -c} (so only where the contract allows
 * a shell), and {@code successCriteria}, {@code rollbackPlan} and {@code final.summaryFile} notes for
 * the summary. The schema has checked the shape; what cannot be mapped is refused naming the field.
 */
final class NodeRunnerPatch {

    /** Recorded in {@link Patch.Notes#origin()}. */
    static final String ORIGIN = "node-runner";

    private NodeRunnerPatch() {}

    /** Whether a parsed envelope is in the Node runner's form. */
    static boolean is(JsonNode tree) {
        return tree.isObject() && (tree.has("blockId") || tree.has("mutations"));
    }

    static Patch map(JsonNode tree, NodeTargets targets) {
        var problems = new ArrayList<String>();
        String target = tree.path("target").asText();
        String domain = targets.domainOfNodeTarget(target).orElse(null);
        String prefix = null;
        if (domain == null) {
            problems.add("/target: no domain for target '" + target
                    + "'; the contract maps Node targets to domains under routes.nodeTargets");
        } else {
            prefix = targets.nodePathPrefix(domain).map(NodeRunnerPatch::withoutTrailingSlash).orElse(null);
            if (prefix == null) {
                problems.add("/target: domain '" + domain + "' has no nodePathPrefix in the contract, so the absolute"
                        + " paths of the mutations cannot be mapped into its working tree");
            }
        }
        var files = new ArrayList<FileChange>();
        JsonNode mutations = tree.path("mutations");
        for (int i = 0; i < mutations.size(); i++) {
            JsonNode m = mutations.get(i);
            String path = m.path("path").asText();
            String relative = prefix == null ? null : relative(path, prefix);
            if (prefix != null && relative == null) {
                problems.add("/mutations/" + i + "/path: '" + path + "' is not below '" + prefix
                        + "', the path the contract gives for domain '" + domain + "'");
                continue;
            }
            String contents = m.path("contents").asText();
            if (m.has("insertAfter")) {
                files.add(FileChange.insertAfter(relative, m.get("insertAfter").asText(), contents));
            } else if (m.has("insertBefore")) {
                files.add(FileChange.insertBefore(relative, m.get("insertBefore").asText(), contents));
            } else {
                files.add(FileChange.write(relative, contents));
            }
        }
        if (!problems.isEmpty()) {
            throw new PatchFormatException(problems);
        }
        var commands = new ArrayList<List<String>>();
        for (JsonNode s : tree.path("postMutationBuild").path("shell")) {
            commands.add(List.of("sh", "-c", s.asText()));
        }
        var gates = new ArrayList<Gate>();
        JsonNode validate = tree.path("validate").path("shell");
        for (int i = 0; i < validate.size(); i++) {
            gates.add(Gate.command(validate.size() == 1 ? "validate" : "validate " + (i + 1),
                    List.of("sh", "-c", validate.get(i).asText())));
        }
        var notes = new Patch.Notes(lines(tree.path("successCriteria")),
                text(tree.path("rollbackPlan")), textOrNull(tree.path("final").path("summaryFile")), ORIGIN);
        return new Patch(textOrNull(tree.path("blockId")), domain, textOrNull(tree.path("description")),
                tree.has("risk") ? Risk.of(tree.get("risk").asText()) : null, null, null, files, commands, gates,
                null, notes);
    }

    private static String withoutTrailingSlash(String prefix) {
        String p = prefix;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The path below {@code prefix}, or null when it is not below it. */
    private static String relative(String path, String prefix) {
        String base = prefix.equals("/") ? "/" : prefix + "/";
        if (!path.startsWith(base) || path.length() == base.length()) {
            return null;
        }
        return path.substring(base.length());
    }

    private static List<String> lines(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (node.isArray()) {
            var out = new ArrayList<String>();
            node.forEach(n -> out.add(n.asText()));
            return out;
        }
        return List.of(node.asText());
    }

    private static String text(JsonNode node) {
        List<String> lines = lines(node);
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    private static String textOrNull(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }
}
