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
    @JsonSubTypes.Type(value = WorkResult.Cancelled.class, name = "Cancelled"),
})
public sealed interface WorkResult {

    String domain();

    String patchId();

    int attempt();

    Instant at();

    record Started(String domain, String patchId, int attempt, Instant at, String worker, String baseCommit)
            implements WorkResult {}

    record GateFinished(String domain, String patchId, int attempt, Instant at, GateResult gate)
            implements WorkResult {}

    /**
     * The change is committed ({@code commitId} carries the {@code Patch-Id:} trailer) and every
     * gate passed. {@code alreadyApplied} is true when a redelivered order found its commit.
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
            boolean alreadyApplied)
            implements WorkResult {}

    /** The change did not land; the working tree is back at its base commit. */
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
            long durationMs)
            implements WorkResult {}

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
