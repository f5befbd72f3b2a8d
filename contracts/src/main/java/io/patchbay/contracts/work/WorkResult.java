package io.patchbay.contracts.work;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.List;

/**
 * What a worker reports on {@code patchbay.results}, keyed by domain. The decider turns results
 * into events; a result for an attempt that is not the running one is ignored there, which makes
 * duplicate and late deliveries harmless.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = WorkResult.Started.class, name = "Started"),
    @JsonSubTypes.Type(value = WorkResult.GateFinished.class, name = "GateFinished"),
    @JsonSubTypes.Type(value = WorkResult.Succeeded.class, name = "Succeeded"),
    @JsonSubTypes.Type(value = WorkResult.Failed.class, name = "Failed"),
    @JsonSubTypes.Type(value = WorkResult.WorkspaceVerified.class, name = "WorkspaceVerified"),
    @JsonSubTypes.Type(value = WorkResult.DriftFound.class, name = "DriftFound"),
    @JsonSubTypes.Type(value = WorkResult.Cancelled.class, name = "Cancelled"),
    @JsonSubTypes.Type(value = WorkResult.TreeDrifted.class, name = "TreeDrifted"),
    @JsonSubTypes.Type(value = WorkResult.NotStarted.class, name = "NotStarted"),
})
public sealed interface WorkResult {

    String domain();

    String patchId();

    int attempt();

    Instant at();

    /**
     * The run began on {@code baseCommit}. {@code movedFrom} is set when the domain's remote branch had
     * moved past the commit the log recorded (somebody else pushed): it is that commit, and the tree
     * was fast-forwarded to {@code baseCommit}, the remote's head; null otherwise.
     */
    record Started(String domain, String patchId, int attempt, Instant at, String worker, String baseCommit,
            String movedFrom) implements WorkResult {

        public Started(String domain, String patchId, int attempt, Instant at, String worker, String baseCommit) {
            this(domain, patchId, attempt, at, worker, baseCommit, null);
        }
    }

    record GateFinished(String domain, String patchId, int attempt, Instant at, GateResult gate)
            implements WorkResult {}

    /**
     * The change is committed ({@code commitId} carries the {@code Patch-Id:} trailer) and every
     * gate passed. {@code alreadyApplied} is true when a redelivered order found its commit.
     * {@code score} is the self-evaluation rubric's score (0 to 1), null when it was not scored.
     */
    record Succeeded(
            String domain,
            String patchId,
            int attempt,
            Instant at,
            String commitId,
            List<String> changedFiles,
            List<GateResult> gates,
            String summaryPath,
            String summary,
            long durationMs,
            boolean alreadyApplied,
            Double score,
            String remote)
            implements WorkResult {

        /** Not on a remote: {@code remote}, the url (without credentials) the commit was pushed to, is null. */
        public Succeeded(String domain, String patchId, int attempt, Instant at, String commitId,
                List<String> changedFiles, List<GateResult> gates, String summaryPath, String summary, long durationMs,
                boolean alreadyApplied, Double score) {
            this(domain, patchId, attempt, at, commitId, changedFiles, gates, summaryPath, summary, durationMs,
                    alreadyApplied, score, null);
        }

        /** Without a rubric score. */
        public Succeeded(String domain, String patchId, int attempt, Instant at, String commitId,
                List<String> changedFiles, List<GateResult> gates, String summaryPath, String summary, long durationMs,
                boolean alreadyApplied) {
            this(domain, patchId, attempt, at, commitId, changedFiles, gates, summaryPath, summary, durationMs,
                    alreadyApplied, null, null);
        }
    }

    /**
     * The change did not land; the working tree is back at its base commit. {@code score} is the
     * self-evaluation rubric's score, null when it was not scored.
     */
    record Failed(
            String domain,
            String patchId,
            int attempt,
            Instant at,
            FailureClass failureClass,
            String reason,
            String detail,
            List<GateResult> gates,
            String summaryPath,
            String summary,
            long durationMs,
            Double score)
            implements WorkResult {

        /** Without a rubric score. */
        public Failed(String domain, String patchId, int attempt, Instant at, FailureClass failureClass, String reason,
                String detail, List<GateResult> gates, String summaryPath, String summary, long durationMs) {
            this(domain, patchId, attempt, at, failureClass, reason, detail, gates, summaryPath, summary, durationMs,
                    null);
        }
    }

    /**
     * The answer to a {@link WorkspaceTask}: it concerns the domain, not a patch, so
     * {@link #patchId()} is null and {@link #attempt()} is the task's check number.
     */
    sealed interface WorkspaceAnswer extends WorkResult {

        /** The {@link WorkspaceTask#check()} answered. */
        int check();

        /** The {@link WorkspaceTask#action()} answered. */
        String action();

        @Override
        default String patchId() {
            return null;
        }

        @Override
        default int attempt() {
            return check();
        }
    }

    /**
     * The working tree is clean at {@code commitId} (whose tree is {@code treeHash}): as expected
     * for a verify, or as left by an adopt or a reset. {@code savedRef} names the ref a reset saved
     * the discarded tree to before it reset; null when there was nothing to save, or for a verify or adopt.
     */
    record WorkspaceVerified(String domain, int check, String action, Instant at, String commitId, String treeHash,
            String savedRef) implements WorkspaceAnswer {

        /** Nothing saved. */
        public WorkspaceVerified(String domain, int check, String action, Instant at, String commitId,
                String treeHash) {
            this(domain, check, action, at, commitId, treeHash, null);
        }
    }

    /**
     * The working tree is not what the log says it should be: HEAD is at {@code actualCommit}
     * rather than {@code expectedCommit}, or files differ from HEAD; {@code detail} names them. Also
     * the answer to an adopt or reset that could not be done.
     */
    record DriftFound(String domain, int check, String action, Instant at, String expectedCommit, String actualCommit,
            String detail, List<String> files) implements WorkspaceAnswer {

        /** Without the list of files (the answer to a task that could not be done). */
        public DriftFound(String domain, int check, String action, Instant at, String expectedCommit,
                String actualCommit, String detail) {
            this(domain, check, action, at, expectedCommit, actualCommit, detail, null);
        }
    }

    /**
     * The answer to a patch order whose working tree was not what the log says before the patch
     * started: files were changed or added by hand, or HEAD is not at {@code expectedCommit}. The
     * patch did not start and the tree was left untouched, edit and all; the decider freezes the
     * domain and puts the patch back at the head of its queue. {@code files} names the changed paths
     * (at most a bounded number; {@code detail} says how many more).
     */
    record TreeDrifted(String domain, String patchId, int attempt, Instant at, String expectedCommit,
            String actualCommit, List<String> files, String detail) implements WorkResult {}

    /**
     * A pipelined order was not started: the patch it was to follow ({@code after}) is not what HEAD
     * is at, so it did not land. Nothing changed; the decider has usually put the patch back in its
     * queue already, and then ignores this answer.
     */
    record NotStarted(String domain, String patchId, int attempt, Instant at, String after, String headCommit,
            String reason) implements WorkResult {}

    /**
     * A cancel order stopped the attempt before it committed: its processes were killed and the
     * working tree is back at its base commit. {@code reason} says where it stopped.
     */
    record Cancelled(
            String domain,
            String patchId,
            int attempt,
            Instant at,
            String reason,
            List<GateResult> gates,
            String summaryPath,
            String summary,
            long durationMs)
            implements WorkResult {}
}
