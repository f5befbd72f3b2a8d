package io.patchbay.contracts.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import java.time.Instant;
import java.util.List;

/**
 * What happened to a patch (or a domain). The type name is the stable wire name; add new types,
 * never rename one, since the log is read back for ever.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = EventBody.Submitted.class, name = "Submitted"),
    @JsonSubTypes.Type(value = EventBody.Accepted.class, name = "Accepted"),
    @JsonSubTypes.Type(value = EventBody.Rejected.class, name = "Rejected"),
    @JsonSubTypes.Type(value = EventBody.AwaitingApproval.class, name = "AwaitingApproval"),
    @JsonSubTypes.Type(value = EventBody.Approved.class, name = "Approved"),
    @JsonSubTypes.Type(value = EventBody.Queued.class, name = "Queued"),
    @JsonSubTypes.Type(value = EventBody.Dispatched.class, name = "Dispatched"),
    @JsonSubTypes.Type(value = EventBody.Started.class, name = "Started"),
    @JsonSubTypes.Type(value = EventBody.GateFinished.class, name = "GateFinished"),
    @JsonSubTypes.Type(value = EventBody.Succeeded.class, name = "Succeeded"),
    @JsonSubTypes.Type(value = EventBody.Failed.class, name = "Failed"),
    @JsonSubTypes.Type(value = EventBody.RetryScheduled.class, name = "RetryScheduled"),
    @JsonSubTypes.Type(value = EventBody.Quarantined.class, name = "Quarantined"),
    @JsonSubTypes.Type(value = EventBody.Released.class, name = "Released"),
    @JsonSubTypes.Type(value = EventBody.Discarded.class, name = "Discarded"),
    @JsonSubTypes.Type(value = EventBody.Cancelled.class, name = "Cancelled"),
    @JsonSubTypes.Type(value = EventBody.CommandRefused.class, name = "CommandRefused"),
    @JsonSubTypes.Type(value = EventBody.DriftFound.class, name = "DriftFound"),
    @JsonSubTypes.Type(value = EventBody.DomainUnfrozen.class, name = "DomainUnfrozen"),
    @JsonSubTypes.Type(value = EventBody.Snapshot.class, name = "Snapshot"),
    @JsonSubTypes.Type(value = EventBody.HeldForWindow.class, name = "HeldForWindow"),
    @JsonSubTypes.Type(value = EventBody.RejectedByApprover.class, name = "RejectedByApprover"),
    @JsonSubTypes.Type(value = EventBody.CancelRequested.class, name = "CancelRequested"),
})
public sealed interface EventBody {

    /** Whether this event ends the patch's life (Quarantined ends it until an operator releases it). */
    default boolean terminal() {
        return false;
    }

    /** The patch entered the system. Holds the whole patch: the log alone is enough to rebuild anything. */
    record Submitted(Patch patch, Submitter submitter) implements EventBody {}

    /**
     * The contract allows the patch. {@code risk} is its effective level and {@code riskRule} what set
     * it: a rule of the contract, {@code submitter} or {@code default}. Both are null in events written
     * before the contract set the level.
     */
    record Accepted(String contractVersion, String contractHash, Risk risk, String riskRule) implements EventBody {

        public Accepted(String contractVersion, String contractHash) {
            this(contractVersion, contractHash, null, null);
        }
    }

    record Rejected(List<Violation> violations, String contractVersion, String contractHash) implements EventBody {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    record AwaitingApproval(String reason, int approvalsNeeded) implements EventBody {}

    record Approved(Submitter by) implements EventBody {}

    /** Waiting for its turn in the domain; {@code position} counts from 1 for the next to run. */
    record Queued(int position) implements EventBody {}

    /**
     * Handed to the worker. {@code after} is null for the order that holds the domain, else the
     * patch it waits behind at the worker (it starts once that one landed).
     */
    record Dispatched(int attempt, String after) implements EventBody {

        public Dispatched(int attempt) {
            this(attempt, null);
        }
    }

    /**
     * The worker began on {@code baseCommit}; {@code movedFrom}, when set, is the commit the log had
     * recorded before the domain's remote branch moved past it (the worker fast-forwarded).
     */
    record Started(int attempt, String worker, String baseCommit, String movedFrom) implements EventBody {

        public Started(int attempt, String worker, String baseCommit) {
            this(attempt, worker, baseCommit, null);
        }
    }

    record GateFinished(int attempt, GateResult gate) implements EventBody {}

    /**
     * The patch landed. {@code score} is the self-evaluation rubric's score of the finished patch
     * (higher is better), null when it was not scored.
     */
    record Succeeded(
            int attempt,
            String commitId,
            List<String> changedFiles,
            List<GateResult> gates,
            String summaryPath,
            String summary,
            long durationMs,
            Double score,
            String remote)
            implements EventBody {

        /** Not on a remote; {@code remote} is the url (without credentials) the commit was pushed to. */
        public Succeeded(int attempt, String commitId, List<String> changedFiles, List<GateResult> gates,
                String summaryPath, String summary, long durationMs, Double score) {
            this(attempt, commitId, changedFiles, gates, summaryPath, summary, durationMs, score, null);
        }

        /** Without a rubric score: one that was not scored leaves it out of the event (and its hash). */
        public Succeeded(int attempt, String commitId, List<String> changedFiles, List<GateResult> gates,
                String summaryPath, String summary, long durationMs) {
            this(attempt, commitId, changedFiles, gates, summaryPath, summary, durationMs, null, null);
        }

        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * A patch's own fault ended it. {@code score} is the self-evaluation rubric's score of the finished
     * patch, null when it was not scored (as on {@link Succeeded}).
     */
    record Failed(
            int attempt,
            FailureClass failureClass,
            String reason,
            String detail,
            List<GateResult> gates,
            String summaryPath,
            String summary,
            long durationMs,
            Double score)
            implements EventBody {

        /** Without a rubric score. */
        public Failed(int attempt, FailureClass failureClass, String reason, String detail, List<GateResult> gates,
                String summaryPath, String summary, long durationMs) {
            this(attempt, failureClass, reason, detail, gates, summaryPath, summary, durationMs, null);
        }

        @Override
        public boolean terminal() {
            return true;
        }
    }

    record RetryScheduled(int nextAttempt, Instant notBefore, String reason) implements EventBody {}

    record Quarantined(String reason, int attempts) implements EventBody {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    record Released(Submitter by) implements EventBody {}

    record Discarded(Submitter by) implements EventBody {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * The patch was stopped before it landed. {@code summaryPath} and {@code summary} are there when
     * a running attempt was stopped (the worker wrote them), null when it never ran.
     */
    record Cancelled(Submitter by, String reason, String summaryPath, String summary) implements EventBody {

        /** A patch stopped before it ran: no summary, and nothing of it in the event (or its hash). */
        public Cancelled(Submitter by, String reason) {
            this(by, reason, null, null);
        }

        @Override
        public boolean terminal() {
            return true;
        }
    }

    /** An operator command that does not fit the patch's state (approve a finished patch, say). */
    record CommandRefused(String command, Submitter by, String reason) implements EventBody {}

    /**
     * A domain-level event ({@code patchId} null): the workspace is not in the state the log says it
     * should be (HEAD is not the last applied commit, or the tree is not clean). The domain is frozen,
     * its patches wait, until an operator unfreezes it. Found before a patch or by the idle check;
     * either way the edit stays in the tree. {@code files} names the paths that differ (bounded;
     * {@code detail} counts the rest); null in events recorded before it was kept.
     */
    record DriftFound(String expectedCommit, String actualCommit, String detail, List<String> files)
            implements EventBody {

        /** As recorded before the changed files were listed; {@code files} stays null so the hash still holds. */
        public DriftFound(String expectedCommit, String actualCommit, String detail) {
            this(expectedCommit, actualCommit, detail, null);
        }
    }

    /**
     * A domain-level event: an operator ended a freeze, either adopting the workspace as it is
     * ({@code mode} {@code adopt}) or resetting it to the recorded state ({@code reset}). A reset
     * first saves the tree it discards as a commit on {@code savedRef} (never on a branch), whose
     * parent is the HEAD it found, so the edit and any commits made by hand stay recoverable; null
     * when there was nothing to save.
     */
    record DomainUnfrozen(String mode, Submitter by, String savedRef) implements EventBody {

        /** Nothing was saved (an adopt, a reset of a clean tree, or an event from before refs were saved). */
        public DomainUnfrozen(String mode, Submitter by) {
            this(mode, by, null);
        }
    }

    /**
     * A domain-level event: a check found the workspace clean at {@code commitId}, whose tree is
     * {@code treeHash}. Recorded when the state differs from the last Snapshot, and otherwise now
     * and then, so that the log witnesses what the tree was without a line per check.
     */
    record Snapshot(String commitId, String treeHash) implements EventBody {}

    /**
     * The patch is next in its domain but its risk level's change window is closed: it keeps its
     * place at the head of the queue until {@code until} (null when no window of the contract in
     * force ever opens; an edit of the contract may change that). {@code reason} says which rule holds it.
     */
    record HeldForWindow(Instant until, String reason) implements EventBody {}

    /** An approver turned the patch down before it ran. Unlike {@link Rejected}, no contract rule did. */
    record RejectedByApprover(Submitter by, String reason) implements EventBody {
        @Override
        public boolean terminal() {
            return true;
        }
    }

    /**
     * Someone asked to stop the running attempt; the worker kills its processes and rolls the tree
     * back. What follows is {@link Cancelled}, or {@link Succeeded} when the attempt had already
     * committed (the cancel is then refused).
     */
    record CancelRequested(int attempt, Submitter by, String reason) implements EventBody {}
}
