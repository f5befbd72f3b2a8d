package io.patchbay.contracts.work;

import io.patchbay.contracts.patch.Patch;
import java.time.Instant;

/**
 * The decider's instruction to a worker on {@code patchbay.work}, keyed by domain: run this patch
 * (attempt N). At most one order per domain is outstanding at a time.
 */
public record WorkOrder(String domain, String patchId, int attempt, Patch patch, Instant dispatchedAt) {}
