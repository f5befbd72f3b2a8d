package io.patchbay.contracts.policy;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a dry run can say without a working tree: whether the input is a patch, and the contract's
 * verdict on it. Pure, like the verdict; {@code patchbay check} and {@code ?dryRun=true} add
 * whether it applies to the domain's current tree.
 *
 * @param patch          the patch read, with its id filled in; null when the input is not a patch
 * @param formatProblems every problem of the input, each with its JSON pointer; empty when it is a patch
 * @param verdict        the contract's verdict; null when the input is not a patch
 */
public record PatchCheck(Patch patch, List<String> formatProblems, Verdict verdict) {

    public PatchCheck {
        formatProblems = formatProblems == null ? List.of() : List.copyOf(formatProblems);
    }

    /**
     * Reads {@code input} as any channel would (Node-runner patches through the contract) and judges it.
     *
     * @param domain the domain the caller names ({@code --domain}, {@code ?domain=}), or null
     */
    public static PatchCheck of(byte[] input, PatchReader.Format format, String domain, Submitter submitter,
            ExecutionContract contract, Instant now) {
        Patch patch;
        try {
            patch = PatchReader.read(input, format, domain, contract).withDefaultId();
        } catch (PatchFormatException e) {
            return new PatchCheck(null, e.problems(), null);
        }
        return new PatchCheck(patch, List.of(), Verdicts.judge(patch, submitter, contract, now));
    }

    /** Whether the patch would be accepted (it may still wait for approvals or its change window). */
    public boolean passes() {
        return formatProblems.isEmpty() && verdict != null && verdict.allowed();
    }

    /** The report for a person, one finding per line. */
    public List<String> lines() {
        var out = new ArrayList<String>();
        if (patch == null) {
            out.add("not a patch:");
            formatProblems.forEach(p -> out.add("  " + p));
            return out;
        }
        out.add("patch " + patch.id() + " for domain " + patch.domain() + ": " + patch.title());
        out.add("contract " + verdict.contractVersion() + " (sha256 " + verdict.contractHash() + ")");
        if (verdict.allowed()) {
            out.add("allowed");
        } else {
            out.add("refused:");
            for (Violation v : verdict.violations()) {
                out.add("  " + v.code() + ": " + v.message());
            }
        }
        if (verdict.risk() != null) {
            out.add("risk " + RiskAssessment.explain(verdict.risk(), verdict.riskRule()));
        }
        if (verdict.needsApproval()) {
            out.add("needs " + verdict.approvalsNeeded() + " approval(s) before it runs");
        }
        if (verdict.heldForWindow()) {
            out.add("waits for its change window, which opens at " + verdict.holdUntil());
        }
        return out;
    }
}
