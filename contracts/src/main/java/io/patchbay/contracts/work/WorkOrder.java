package io.patchbay.contracts.work;

import io.patchbay.contracts.patch.Patch;
import java.time.Instant;

/**
 * The decider's instruction to a worker on {@code patchbay.work}, keyed by domain: run this patch
 * (attempt N), or, with {@code action} {@value #CANCEL}, stop attempt N of it if it still runs. At
 * most one run order per domain is outstanding at a time; a cancel order follows the run order it
 * is about on the same partition, so a worker always sees the run order first.
 *
 * @param action null (or {@value #RUN}) to run the patch; {@value #CANCEL} to stop a running attempt,
 *     in which case {@code patch} may be null
 */
public record WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt, String action) {

    public static final String RUN = "run";
    public static final String CANCEL = "cancel";

    /** A run order. */
    public WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt) {
        this(domain, patchId, attempt, patch, dispatchedAt, null);
    }

    /** An order to stop attempt {@code attempt} of a patch, rolling its working tree back. */
    public static WorkOrder cancel(String domain, String patchId, int attempt, Instant at) {
        return new WorkOrder(domain, patchId, attempt, null, at, CANCEL);
    }

    public boolean isCancel() {
        return CANCEL.equals(action);
    }
}
