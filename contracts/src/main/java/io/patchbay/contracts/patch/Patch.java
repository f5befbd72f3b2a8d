package io.patchbay.contracts.patch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.diff.DiffException;
import io.patchbay.contracts.diff.DiffReader;
import java.util.List;
import java.util.Objects;

/**
 * A patch as submitted: a unified diff and/or whole-file writes, optional commands and gates.
 * Immutable; {@link #withId} and friends return copies. {@code risk} is the level the submitter
 * states, null when they state none; the contract's risk rules may raise it (see
 * {@code RiskAssessment}), so read the effective level from the verdict, not from here.
 */
public record Patch(
        String id,
        String domain,
        String title,
        Risk risk,
        String author,
        Diff diff,
        List<FileChange> files,
        List<List<String>> commands,
        List<Gate> gates,
        Expect expect,
        Notes notes) {

    /** Optional preconditions. */
    public record Expect(String baseCommit) {}

    /**
     * What the submitter wants kept beside the outcome, in the summary: how to tell the change
     * worked, how to undo it, where they expect the summary, and where the patch came from (such as
     * {@code node-runner}). patchbay does not act on them.
     */
    public record Notes(List<String> successCriteria, String rollbackPlan, String summaryFile, String origin) {
        public Notes {
            successCriteria = successCriteria == null ? List.of() : List.copyOf(successCriteria);
        }
    }

    /** A patch whose diff is text (UTF-8). */
    public Patch(String id, String domain, String title, Risk risk, String author, String diff, List<FileChange> files,
            List<List<String>> commands, List<Gate> gates, Expect expect) {
        this(id, domain, title, risk, author, Diff.of(diff), files, commands, gates, expect, null);
    }

    public Patch {
        files = files == null ? List.of() : List.copyOf(files);
        commands = commands == null ? List.of() : commands.stream().map(List::copyOf).toList();
        gates = gates == null ? List.of() : List.copyOf(gates);
        if (diff != null && diff.isBlank()) {
            diff = null;
        }
    }

    public Patch withId(String newId) {
        return new Patch(newId, domain, title, risk, author, diff, files, commands, gates, expect, notes);
    }

    public Patch withDomain(String newDomain) {
        return new Patch(id, newDomain, title, risk, author, diff, files, commands, gates, expect, notes);
    }

    public Patch withTitle(String newTitle) {
        return new Patch(id, domain, newTitle, risk, author, diff, files, commands, gates, expect, notes);
    }

    /**
     * The content address of this patch: sha256 over its canonical JSON without the id. Two
     * submissions of the same change get the same id, so a resubmission is recognised.
     */
    public String contentId() {
        return Json.sha256Hex(Json.canonical(withId(null)));
    }

    /** This patch with its id filled in from its content when none was given. */
    public Patch withDefaultId() {
        return id == null || id.isBlank() ? withId(contentId()) : this;
    }

    /**
     * The paths this patch changes: those its diff touches as {@link DiffReader} reads them (the
     * reader the worker applies with), and its file writes. A diff that cannot be read adds none;
     * {@link #diffProblem()} says why.
     */
    @JsonIgnore
    public List<String> touchedPaths() {
        var paths = new java.util.LinkedHashSet<String>();
        if (diff != null) {
            try {
                paths.addAll(DiffReader.read(diff.bytes()).touchedPaths());
            } catch (DiffException e) {
                // Judged by diffProblem(); the paths of an unreadable diff are unknown, not empty.
            }
        }
        files.stream().map(FileChange::path).filter(Objects::nonNull).forEach(paths::add);
        return List.copyOf(paths);
    }

    /** Why this patch's diff cannot be read, or null when it has none or it reads. */
    @JsonIgnore
    public String diffProblem() {
        if (diff == null) {
            return null;
        }
        try {
            DiffReader.read(diff.bytes());
            return null;
        } catch (DiffException e) {
            return e.getMessage();
        }
    }

    @JsonIgnore
    public boolean isEmpty() {
        return diff == null && files.isEmpty() && commands.isEmpty();
    }
}
