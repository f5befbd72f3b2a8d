package io.patchbay.contracts.work;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import java.time.Instant;

/**
 * The decider's instruction to a worker on {@code patchbay.work}, keyed by domain: run this patch
 * (attempt N); or, when {@code workspace} is set, do that task on the domain's working tree
 * ({@code patchId} and {@code patch} are then null); or, with {@code action} {@value #CANCEL},
 * stop attempt N of the patch if it still runs. A domain's run orders form a window: the first is
 * dispatched with {@code expectedHead}, each later one with {@code after}, the patch that must have
 * landed just before it; the worker runs them one at a time in that order. A cancel order follows
 * the run order it is about on the same partition, so a worker always sees the run order first.
 *
 * @param action null (or {@value #RUN}) to run the patch; {@value #CANCEL} to stop a running attempt,
 *     in which case {@code patch} is null
 * @param expectedHead for a patch: the commit the log last recorded for the domain's working tree
 *     (the last applied or adopted commit), which HEAD must be at before the patch starts; null when
 *     the log does not know it yet, and then only uncommitted changes count as drift
 * @param after for a patch dispatched while the one before it still ran: that patch's id. The order
 *     starts only when HEAD is that patch's commit; otherwise it is answered
 *     {@link WorkResult.NotStarted} and nothing changes. Null for the first order of a window.
 * @param submitter for a patch: who submitted it, whom its commit names as author when the patch
 *     names nobody itself; null in orders written before it was carried
 */
public record WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt,
        WorkspaceTask workspace, String action, String expectedHead, String after, Submitter submitter) {

    public static final String RUN = "run";
    public static final String CANCEL = "cancel";

    /** A patch order. */
    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt) {
        this(domain, patchId, attempt, patch, dispatchedAt, null, null);
    }

    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt,
            WorkspaceTask workspace) {
        this(domain, patchId, attempt, patch, dispatchedAt, workspace, null);
    }

    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt,
            WorkspaceTask workspace, String action) {
        this(domain, patchId, attempt, patch, dispatchedAt, workspace, action, (String) null);
    }

    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt,
            WorkspaceTask workspace, String action, String expectedHead) {
        this(domain, patchId, attempt, patch, dispatchedAt, workspace, action, expectedHead, null, null);
    }

    /** The same order, expecting the working tree's HEAD at {@code commit}. */
    public WorkOrder withExpectedHead(String commit) {
        return new WorkOrder(domain, patchId, attempt, patch, dispatchedAt, workspace, action, commit, after,
                submitter);
    }

    /** The same order, to start only once patch {@code patchId} landed just before it. */
    public WorkOrder after(String patchId) {
        return new WorkOrder(domain, this.patchId, attempt, patch, dispatchedAt, workspace, action, expectedHead,
                patchId, submitter);
    }

    /** The same order, naming who submitted the patch. */
    public WorkOrder withSubmitter(Submitter who) {
        return new WorkOrder(domain, patchId, attempt, patch, dispatchedAt, workspace, action, expectedHead, after,
                who);
    }

    /** A task on the domain's working tree; {@code attempt} carries the task's check number. */
    public static WorkOrder of(String domain, WorkspaceTask task, Instant dispatchedAt) {
        return new WorkOrder(domain, null, task.check(), null, dispatchedAt, task);
    }

    /** An order to stop attempt {@code attempt} of a patch, rolling its working tree back. */
    public static WorkOrder cancel(String domain, String patchId, int attempt, Instant at) {
        return new WorkOrder(domain, patchId, attempt, null, at, null, CANCEL);
    }

    /** Whether this order is a task on the working tree rather than a patch. */
    public boolean forWorkspace() {
        return workspace != null;
    }

    public boolean isCancel() {
        return CANCEL.equals(action);
    }
}
