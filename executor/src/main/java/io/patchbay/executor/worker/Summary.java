package io.patchbay.executor.worker;

import io.patchbay.contracts.work.GateResult;
import java.util.List;
import java.util.regex.Pattern;

/** The markdown summary of one run of a patch, as written next to the workspaces and put in its event. */
record Summary(
        String title,
        String patchId,
        String domain,
        int attempt,
        String outcome,
        String baseCommit,
        String commit,
        List<ChangedFile> changedFiles,
        List<CommandRun> commands,
        List<GateResult> gates,
        long durationMs,
        String reason,
        String detail) {

    /** One file of the commit, with the lines it adds and removes (both 0 for a binary file). */
    record ChangedFile(String path, String change, int added, int removed) {}

    /** One command of the patch as it ran. */
    record CommandRun(List<String> argv, int exitCode, boolean timedOut, long durationMs, String outputTail) {}

    private static final Pattern FENCE = Pattern.compile("`{3,}");

    String markdown() {
        var md = new StringBuilder();
        md.append("# ").append(oneLine(title)).append("\n\n");
        md.append("| | |\n|---|---|\n");
        row(md, "Patch", "`" + patchId + "`");
        row(md, "Domain", domain);
        row(md, "Attempt", String.valueOf(attempt));
        row(md, "Outcome", "**" + outcome + "**");
        if (baseCommit != null) {
            row(md, "Base commit", "`" + baseCommit + "`");
        }
        if (commit != null) {
            row(md, "Commit", "`" + commit + "`");
        }
        row(md, "Duration", durationMs + " ms");
        md.append('\n');
        if (reason != null) {
            md.append("## Why\n\n").append(reason).append("\n\n");
            if (detail != null && !detail.isBlank()) {
                fenced(md, detail);
            }
        }
        md.append("## Changed files\n\n");
        if (changedFiles.isEmpty()) {
            md.append("None.\n\n");
        } else {
            md.append("| file | change | + | - |\n|---|---|---:|---:|\n");
            for (ChangedFile f : changedFiles) {
                md.append("| `").append(f.path()).append("` | ").append(f.change()).append(" | ").append(f.added())
                        .append(" | ").append(f.removed()).append(" |\n");
            }
            md.append('\n');
        }
        if (!commands.isEmpty()) {
            md.append("## Commands\n\n");
            for (CommandRun c : commands) {
                md.append("### `").append(String.join(" ", c.argv())).append("`\n\n");
                md.append(c.timedOut() ? "timed out" : "exit code " + c.exitCode()).append(", ")
                        .append(c.durationMs()).append(" ms\n\n");
                fenced(md, c.outputTail());
            }
        }
        md.append("## Gates\n\n");
        if (gates.isEmpty()) {
            md.append("None ran.\n\n");
        } else {
            md.append("| gate | result | exit code | duration |\n|---|---|---:|---:|\n");
            for (GateResult g : gates) {
                md.append("| ").append(oneLine(g.name())).append(" | ").append(g.passed() ? "passed" : "failed")
                        .append(" | ").append(g.exitCode()).append(" | ").append(g.durationMs()).append(" ms |\n");
            }
            md.append('\n');
            for (GateResult g : gates) {
                md.append("### ").append(oneLine(g.name())).append("\n\n");
                fenced(md, g.outputTail());
            }
        }
        return md.toString();
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    private static void fenced(StringBuilder md, String text) {
        String body = text == null || text.isEmpty() ? "(no output)" : text;
        // Output that holds a fence of its own would end ours early: use a longer one.
        String fence = "```";
        var m = FENCE.matcher(body);
        while (m.find()) {
            if (m.group().length() >= fence.length()) {
                fence = "`".repeat(m.group().length() + 1);
            }
        }
        md.append(fence).append('\n').append(body);
        if (!body.endsWith("\n")) {
            md.append('\n');
        }
        md.append(fence).append("\n\n");
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").strip();
    }
}
