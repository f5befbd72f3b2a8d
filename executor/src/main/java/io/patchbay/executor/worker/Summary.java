package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.work.GateResult;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The markdown summary of one run of a patch, as written next to the workspaces and put in its
 * event: the outcome, a diffstat, every command and gate with exit code, duration and output tail,
 * the rubric's score with a reason per criterion, and the submitter's notes.
 *
 * @param notes what the submitter asked to keep beside the outcome (Node-runner patches carry them); may be null
 * @param score the self-evaluation rubric's score; null when the patch was not scored
 * @param sandbox a caution about how commands ran, for a domain that runs them without a sandbox; null otherwise
 * @param gates the gates that ran; null leaves the section out, for a summary that does not know them
 * @param outputCut what was cut from the outputs to keep the patch within its {@link OutputBudget}; null when nothing
 */
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
        String detail,
        Patch.Notes notes,
        Rubric.Score score,
        String sandbox,
        String outputCut) {

    Summary(String title, String patchId, String domain, int attempt, String outcome, String baseCommit, String commit,
            List<ChangedFile> changedFiles, List<CommandRun> commands, List<GateResult> gates, long durationMs,
            String reason, String detail, Patch.Notes notes, Rubric.Score score, String sandbox) {
        this(title, patchId, domain, attempt, outcome, baseCommit, commit, changedFiles, commands, gates, durationMs,
                reason, detail, notes, score, sandbox, null);
    }

    Summary(String title, String patchId, String domain, int attempt, String outcome, String baseCommit, String commit,
            List<ChangedFile> changedFiles, List<CommandRun> commands, List<GateResult> gates, long durationMs,
            String reason, String detail, Patch.Notes notes, Rubric.Score score) {
        this(title, patchId, domain, attempt, outcome, baseCommit, commit, changedFiles, commands, gates, durationMs,
                reason, detail, notes, score, null);
    }

    Summary(String title, String patchId, String domain, int attempt, String outcome, String baseCommit, String commit,
            List<ChangedFile> changedFiles, List<CommandRun> commands, List<GateResult> gates, long durationMs,
            String reason, String detail) {
        this(title, patchId, domain, attempt, outcome, baseCommit, commit, changedFiles, commands, gates, durationMs,
                reason, detail, null, null);
    }

    /** This summary with the sandbox caution of its domain (null: none). */
    Summary withSandbox(String caution) {
        return new Summary(title, patchId, domain, attempt, outcome, baseCommit, commit, changedFiles, commands, gates,
                durationMs, reason, detail, notes, score, caution, outputCut);
    }

    /** This summary with the outputs as fitted into the patch's budget, saying what was cut. */
    Summary fitted(OutputBudget.Fitted fitted) {
        return new Summary(title, patchId, domain, attempt, outcome, baseCommit, commit, changedFiles,
                fitted.commands(), gates == null ? null : fitted.gates(), durationMs, reason, detail, notes, score,
                sandbox, fitted.note());
    }

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
        if (sandbox != null) {
            row(md, "Sandbox", sandbox);
        }
        if (baseCommit != null) {
            row(md, "Base commit", "`" + baseCommit + "`");
        }
        if (commit != null) {
            row(md, "Commit", "`" + commit + "`");
        }
        row(md, "Duration", durationMs + " ms");
        if (outputCut != null) {
            row(md, "Output", oneLine(outputCut));
        }
        if (score != null) {
            row(md, "Score", score.headline() + (score.passed() ? "" : ", below the pass score"));
        }
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
            if (commit != null) {
                md.append(diffstat()).append("\n\n");
            }
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
        // Null gates: not known here (a summary rendered from events shows its last attempt's run below).
        if (gates == null) {
            selfEvaluation(md);
            notes(md);
            return md.toString();
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
        selfEvaluation(md);
        notes(md);
        return md.toString();
    }

    /** {@code 3 files changed, 10 insertions(+), 2 deletions(-)}, as git prints it. */
    String diffstat() {
        int added = changedFiles.stream().mapToInt(ChangedFile::added).sum();
        int removed = changedFiles.stream().mapToInt(ChangedFile::removed).sum();
        return changedFiles.size() + (changedFiles.size() == 1 ? " file" : " files") + " changed, " + added
                + (added == 1 ? " insertion(+), " : " insertions(+), ") + removed
                + (removed == 1 ? " deletion(-)" : " deletions(-)");
    }

    private void selfEvaluation(StringBuilder md) {
        if (score == null) {
            return;
        }
        md.append("## Self-evaluation\n\n");
        md.append("Score **").append(score.headline()).append("**: ")
                .append(score.passed() ? "it reaches the rubric's pass score." : "below the rubric's pass score; worth a look.")
                .append("\n\n");
        md.append("| criterion | met | points | why |\n|---|---|---:|---|\n");
        for (Rubric.Reason r : score.reasons()) {
            md.append("| ").append(oneLine(r.criterion())).append(" | ").append(r.met() ? "yes" : "no").append(" | ")
                    .append(r.points()).append("/").append(r.weight()).append(" | ").append(oneLine(r.sentence()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private void notes(StringBuilder md) {
        if (notes == null) {
            return;
        }
        boolean any = !notes.successCriteria().isEmpty() || notes.rollbackPlan() != null || notes.summaryFile() != null
                || notes.origin() != null;
        if (!any) {
            return;
        }
        md.append("## Notes from the submitter\n\n");
        if (notes.origin() != null) {
            md.append("From: ").append(oneLine(notes.origin())).append("\n\n");
        }
        if (!notes.successCriteria().isEmpty()) {
            md.append("### Success criteria\n\n");
            notes.successCriteria().forEach(c -> md.append("- ").append(oneLine(c)).append('\n'));
            md.append('\n');
        }
        if (notes.rollbackPlan() != null) {
            md.append("### Rollback plan\n\n").append(notes.rollbackPlan().strip()).append("\n\n");
        }
        if (notes.summaryFile() != null) {
            md.append("The submitter expects this summary at `").append(oneLine(notes.summaryFile())).append("`.\n\n");
        }
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
