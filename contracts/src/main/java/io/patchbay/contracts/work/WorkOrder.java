package io.patchbay.contracts.work;

import io.patchbay.contracts.patch.Patch;
import java.time.Instant;

/**
 * The decider's instruction to a worker on {@code patchbay.work}, keyed by domain: run this patch
 * (attempt N), or, when {@code workspace} is set, do that task on the domain's working tree
 * ({@code patchId} and {@code patch} are then null). At most one order per domain is outstanding
 * at a time.
 */
public record WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt,
        WorkspaceTask workspace) {

    /** A patch order. */
    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt) {
        this(domain, patchId, attempt, patch, dispatchedAt, null);
    }

    /** A task on the domain's working tree; {@code attempt} carries the task's check number. */
    public static WorkOrder of(String domain, WorkspaceTask task, Instant dispatchedAt) {
        return new WorkOrder(domain, null, task.check(), null, dispatchedAt, task);
    }

    /** Whether this order is a task on the working tree rather than a patch. */
    public boolean forWorkspace() {
        return workspace != null;
    }
}
