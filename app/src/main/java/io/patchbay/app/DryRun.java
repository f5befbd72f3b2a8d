package io.patchbay.app;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.BinaryLimit;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.PatchCheck;
import io.patchbay.executor.sandbox.SandboxRequirement;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.worker.TreeCheck;
import io.patchbay.executor.worker.Workspaces;
import io.patchbay.ingest.DryRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A dry run: the contract's verdict (with the sandbox requirement, as the decider judges) and, only
 * for a patch the verdict accepts, whether it applies to the domain's current tree; with no side
 * effect (nothing queued, no file touched). Serves {@code patchbay check} and
 * {@code POST /v1/patches?dryRun=true}.
 */
final class DryRun implements DryRunner {

    /** What a dry run found. */
    record Report(
            boolean passes,
            String id,
            String domain,
            String title,
            List<String> formatProblems,
            List<Violation> violations,
            String contractVersion,
            Integer approvalsNeeded,
            Instant waitsForWindowUntil,
            Boolean applies,
            List<String> applyProblems,
            List<String> lines) {}

    /** Whether a patch applies to a tree as it is now: every reason it would not. */
    @FunctionalInterface
    interface TreeStep {
        List<String> problems(Path tree, Patch patch, long maxBinaryBytes) throws IOException;
    }

    private final Supplier<ExecutionContract> contract;
    private final Path home;
    private final Clock clock;
    private final SandboxStatus sandbox;
    private final TreeStep treeStep;

    /**
     * @param sandbox what the executor found about its command sandbox: a patch that would start a
     *                process where the sandbox is missing is refused, as the decider refuses it
     */
    DryRun(Supplier<ExecutionContract> contract, Path home, Clock clock, SandboxStatus sandbox) {
        this(contract, home, clock, sandbox, TreeCheck::problems);
    }

    DryRun(Supplier<ExecutionContract> contract, Path home, Clock clock, SandboxStatus sandbox, TreeStep treeStep) {
        this.contract = contract;
        this.home = home;
        this.clock = clock;
        this.sandbox = java.util.Objects.requireNonNull(sandbox, "sandbox");
        this.treeStep = treeStep;
    }

    Report report(byte[] input, PatchReader.Format format, String domain, Submitter by) {
        ExecutionContract c = contract.get();
        PatchCheck check = PatchCheck.of(input, format, domain, by, c, clock.instant());
        if (check.patch() == null) {
            return new Report(false, null, domain, null, check.formatProblems(), List.of(), c.version(), null, null, null,
                    List.of(), check.lines());
        }
        // The decider's answer is the contract's verdict and the sandbox requirement; so is the dry run's.
        DomainPolicy policy = c.domain(check.patch().domain()).orElse(null);
        check = new PatchCheck(check.patch(), check.formatProblems(),
                check.verdict().plus(SandboxRequirement.violations(check.patch(), policy, sandbox)));
        List<String> lines = new ArrayList<>(check.lines());
        Boolean applies = null;
        List<String> applyProblems = List.of();
        if (!check.passes()) {
            // The verdict first: a patch the contract refuses never reaches the applier, not even to try it.
            lines.add("not tried against the working tree: the contract refuses it");
        } else if (policy != null) {
            Path tree = Workspaces.pathOf(c, home, check.patch().domain());
            if (!Files.isDirectory(tree.resolve(".git"))) {
                applyProblems = List.of("the working tree " + tree + " does not exist yet");
            } else {
                try {
                    applyProblems = treeStep.problems(tree, check.patch(), BinaryLimit.of(policy));
                } catch (IOException e) {
                    applyProblems = List.of("cannot read the working tree: " + e.getMessage());
                }
            }
            applies = applyProblems.isEmpty();
            if (applies) {
                lines.add("applies cleanly to the current tree of " + check.patch().domain());
            } else {
                lines.add("does not apply to the current tree of " + check.patch().domain() + ":");
                applyProblems.forEach(p -> lines.add("  " + p));
            }
        }
        var v = check.verdict();
        boolean passes = check.passes() && Boolean.TRUE.equals(applies);
        return new Report(passes, check.patch().id(), check.patch().domain(), check.patch().title(), List.of(),
                v.violations(), v.contractVersion(), v.needsApproval() ? v.approvalsNeeded() : null,
                v.heldForWindow() ? v.holdUntil() : null, applies, applyProblems, lines);
    }

    @Override
    public Answer check(byte[] body, PatchReader.Format format, String domain, Submitter by) {
        Report r = report(body, format, domain, by);
        return new Answer(r.passes(), Json.canonical(r));
    }
}
