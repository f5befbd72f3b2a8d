package io.patchbay.executor.worker;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.BinaryLimit;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Verdicts;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.executor.worker.apply.ApplyException;
import io.patchbay.executor.worker.apply.ApplyPlan;
import io.patchbay.executor.worker.apply.DiffApplier;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the patch's diff, after the contract as it is now has seen every path the patch writes. */
final class ApplyDiffStep implements RunStep {

    /** A run's lines keep the runner's name, whichever step writes them. */
    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    @Override
    public String checkpoint() {
        return RunContext.APPLYING_DIFF;
    }

    @Override
    public void run(RunContext run) throws StepFailure, IOException {
        // Until the diff has settled, an unexpected error leaves unknown which paths it wrote.
        run.diffUnsettled(true);
        apply(run);
        run.diffUnsettled(false);
    }

    private void apply(RunContext run) throws StepFailure, IOException {
        Patch patch = run.patch();
        // The file writes come after the diff: check theirs first, so a refusal leaves the tree untouched.
        for (FileChange f : patch.files()) {
            String denied = contractDenies(run, f.path());
            if (denied != null) {
                throw new StepFailure(FailureClass.PRECONDITION, denied, null);
            }
        }
        if (patch.diff() == null) {
            return;
        }
        try {
            // Binary files bounded as the verdict bounded them, so the two agree on what reads.
            ApplyPlan plan = new DiffApplier(run.guard(), BinaryLimit.of(run.policy())).apply(patch.diff().bytes(),
                    paths -> {
                        for (String path : paths) {
                            String denied = contractDenies(run, path);
                            if (denied != null) {
                                throw new ApplyException(denied);
                            }
                        }
                    });
            run.diffWrote(plan.touchedPaths());
            log.info("patch {}: the diff wrote {} file(s) and removed {}", run.order().patchId(), plan.writtenCount(),
                    plan.removedCount());
        } catch (ApplyException e) {
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, e.getMessage(), e.detail());
        } catch (TreeGuard.Escape e) {
            throw new StepFailure(FailureClass.DOES_NOT_APPLY, "refused: " + e.getMessage(), null);
        }
    }

    /**
     * Why the contract as it is now refuses a path, or null. The verdict judged the same paths;
     * this catches a contract changed since, right before the write.
     */
    private static String contractDenies(RunContext run, String path) {
        DomainPolicy now = run.contract().get().domain(run.order().domain()).orElse(run.policy());
        List<Violation> found = Verdicts.pathViolations(path, now);
        return found.isEmpty() ? null : "refused before writing: " + found.get(0).code() + ": "
                + found.get(0).message();
    }
}
