package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a run as its terminal result: the summary written beside the tree (and carried in the
 * result, which stands even when the file cannot be written), scored by the rubric where the run finished.
 * The outputs of its commands and gates are fitted into one {@link OutputBudget} for the whole patch,
 * the same in the summary and in the result.
 */
final class RunReport {

    /** A run's lines keep the runner's name, whichever part writes them. */
    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    private final RunContext run;
    private final WorkOrder order;
    private final Path home;
    private final Supplier<Rubric> rubric;
    private final OutputBudget budget;

    RunReport(RunContext run, Path home, Supplier<Rubric> rubric) {
        this(run, home, rubric, OutputBudget.of(RecordLimits.DEFAULT));
    }

    /** @param budget the output the summary and the result keep in all, shared by every command and gate */
    RunReport(RunContext run, Path home, Supplier<Rubric> rubric, OutputBudget budget) {
        this.run = run;
        this.order = run.order();
        this.home = home;
        this.rubric = rubric;
        this.budget = budget;
    }

    /** The run committed ({@link RunContext#commit()}). */
    WorkResult succeeded() {
        RevCommit c = run.commit();
        List<Summary.ChangedFile> changed = run.changed();
        long ms = run.elapsedMs();
        Rubric.Score score = score(true, changed, ms);
        OutputBudget.Fitted outputs = budget.fit(run.commands(), run.gates());
        var summary = new Summary(run.title(), order.patchId(), order.domain(), order.attempt(), "Succeeded",
                run.base().name(), c.name(), changed, run.commands(), run.gates(), ms, null, null, notes(), score)
                .withSandbox(run.sandboxCaution()).fitted(outputs);
        String text = summary.markdown() + remoteLines(c.name());
        String path = writeSummary(text);
        return new WorkResult.Succeeded(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                c.name(), changed.stream().map(Summary.ChangedFile::path).toList(), outputs.gates(), path,
                text, ms, false, score == null ? null : score.score(), run.pushedTo());
    }

    /** The patch's commit was found: success again, with the summary its first run wrote where there is one. */
    WorkResult alreadyApplied(GitWorkspace git, RevCommit applied) throws IOException {
        log.info("patch {} is already applied as {}; reporting success without applying it again",
                order.patchId(), applied.name());
        List<Summary.ChangedFile> changed = git.changedFiles(applied);
        Path file = home.resolve(PatchRunner.summaryPath(order.domain(), order.patchId()));
        String text;
        String path;
        if (Files.isRegularFile(file)) {
            text = Files.readString(file, StandardCharsets.UTF_8);
            path = PatchRunner.summaryPath(order.domain(), order.patchId()).toString();
        } else {
            var summary = new Summary(run.title(), order.patchId(), order.domain(), order.attempt(),
                    "Succeeded (already applied)", null, applied.name(), changed, List.of(), List.of(),
                    run.elapsedMs(), null, null).withSandbox(run.sandboxCaution());
            text = summary.markdown();
            path = writeSummary(text);
        }
        return new WorkResult.Succeeded(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                applied.name(), changed.stream().map(Summary.ChangedFile::path).toList(), List.of(), path, text,
                run.elapsedMs(), true, null, run.pushedTo());
    }

    /** Where the commit went, for a domain on a git remote (its url never carries credentials); else nothing. */
    private String remoteLines(String commit) {
        if (run.pushedTo() == null) {
            return "";
        }
        String moved = run.movedFrom() == null ? "" : "\nThe remote branch had moved past " + run.movedFrom().name()
                + " (somebody else pushed); the patch was applied and gated on " + run.base().name() + ".\n";
        return "\n## Remote\n\nPushed `" + commit + "` to " + run.pushedTo() + " (branch "
                + run.remote().remote().branch() + ").\n" + moved;
    }

    /** The run was cancelled and the tree is back at its base. */
    WorkResult stopped() {
        String step = run.step();
        String where = step.startsWith("before") ? step : "during " + step;
        String reason = "stopped " + where + "; the working tree is back at " + run.base().name();
        log.info("patch {} attempt {} cancelled: {}", order.patchId(), order.attempt(), reason);
        long ms = run.elapsedMs();
        OutputBudget.Fitted outputs = budget.fit(run.commands(), run.gates());
        String text = new Summary(run.title(), order.patchId(), order.domain(), order.attempt(), "Cancelled",
                run.base().name(), null, notApplied(), run.commands(), run.gates(), ms, reason, null)
                .withSandbox(run.sandboxCaution()).fitted(outputs).markdown();
        return new WorkResult.Cancelled(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                reason, outputs.gates(), writeSummary(text), text, ms);
    }

    /** The tree is not what the log says: nothing was touched, and the decider freezes the domain. */
    /** A pipelined order whose predecessor is not HEAD: it did not land, so this one does not start. */
    WorkResult notStarted(String head) {
        String reason = "patch '" + order.after() + "', dispatched just before it, is not the last commit of the "
                + "working tree (HEAD is " + head + "), so it did not land; nothing was changed";
        log.info("patch {} attempt {} not started: {}", order.patchId(), order.attempt(), reason);
        return new WorkResult.NotStarted(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                order.after(), head, reason);
    }

    WorkResult drifted(TreeVerifier.Drift drift) {
        log.warn("patch {} attempt {} not started: the working tree of {} drifted: {}", order.patchId(),
                order.attempt(), order.domain(), drift.detail());
        return new WorkResult.TreeDrifted(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                drift.expectedCommit(), drift.actualCommit(), drift.files(), drift.detail());
    }

    WorkResult failed(StepFailure f) {
        log.warn("patch {} attempt {} failed ({}): {}", order.patchId(), order.attempt(), f.failureClass(),
                f.reason());
        long ms = run.elapsedMs();
        var changed = run.patch() == null ? List.<Summary.ChangedFile>of() : notApplied();
        // Nothing of a failed patch landed, so the rubric sees no change.
        Rubric.Score score = score(false, List.of(), ms);
        OutputBudget.Fitted outputs = budget.fit(run.commands(), run.gates());
        var summary = new Summary(run.title(), order.patchId(), order.domain(), order.attempt(),
                "Failed (" + f.failureClass() + ")", run.base() == null ? null : run.base().name(), null, changed,
                run.commands(), run.gates(), ms, f.reason(), f.detail(), notes(), score)
                .withSandbox(run.sandboxCaution()).fitted(outputs);
        String text = summary.markdown();
        String path = writeSummary(text);
        return new WorkResult.Failed(order.domain(), order.patchId(), order.attempt(), run.clock().instant(),
                f.failureClass(), f.reason(), f.detail(), outputs.gates(), path, text, ms,
                score == null ? null : score.score());
    }

    private List<Summary.ChangedFile> notApplied() {
        return run.patch().touchedPaths().stream().map(p -> new Summary.ChangedFile(p, "not applied", 0, 0)).toList();
    }

    /** The rubric's score of the finished run, or null when it cannot be scored (the outcome stands without). */
    private Rubric.Score score(boolean succeeded, List<Summary.ChangedFile> changed, long ms) {
        try {
            DomainPolicy policy = run.policy();
            Patch patch = run.patch();
            Duration sla = policy == null ? null : Durations.parse(policy.sla().runTime());
            var outcome = new Rubric.Outcome(succeeded, patch == null ? List.of() : patch.touchedPaths(),
                    changed.stream().map(c -> new Rubric.Change(c.path(), c.added(), c.removed())).toList(),
                    run.gates(), Duration.ofMillis(ms), sla, order.attempt());
            return rubric.get().score(outcome);
        } catch (RuntimeException e) {
            log.warn("cannot score patch {} with the rubric: {}", order.patchId(), e.toString());
            return null;
        }
    }

    private Patch.Notes notes() {
        return run.patch() == null ? null : run.patch().notes();
    }

    /** Writes the summary and returns its path relative to home, or null when it could not be written. */
    private String writeSummary(String text) {
        Path rel = PatchRunner.summaryPath(order.domain(), order.patchId());
        Path file = home.resolve(rel);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".summary", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return rel.toString();
        } catch (IOException e) {
            // The outcome stands without its file: the summary text still travels in the result.
            log.warn("cannot write the summary of patch {} to {}: {}", order.patchId(), file, e.getMessage());
            return null;
        }
    }
}
