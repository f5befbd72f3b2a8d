package io.patchbay.contracts.patch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.patchbay.contracts.Json;
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
        String diff,
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

    public Patch(String id, String domain, String title, Risk risk, String author, String diff, List<FileChange> files,
            List<List<String>> commands, List<Gate> gates, Expect expect) {
        this(id, domain, title, risk, author, diff, files, commands, gates, expect, null);
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

    /** The paths this patch changes, from its diff headers and its file writes. */
    @JsonIgnore
    public List<String> touchedPaths() {
        var paths = new java.util.LinkedHashSet<String>();
        if (diff != null) {
            paths.addAll(DiffPaths.touched(diff));
        }
        files.stream().map(FileChange::path).filter(Objects::nonNull).forEach(paths::add);
        return List.copyOf(paths);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return diff == null && files.isEmpty() && commands.isEmpty();
    }
}
