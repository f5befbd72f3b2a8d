package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the contract's required gates, then the patch's own (or the contract's defaults when it names
 * none); each result goes out as it comes, and the first gate that fails or runs past its time fails
 * the patch.
 */
final class GatesStep implements RunStep {

    /** Each gate is its own checkpoint, named by the gate. */
    @Override
    public String checkpoint() {
        return null;
    }

    @Override
    public void run(RunContext run) throws StepFailure, RunStopped, InterruptedException {
        DomainPolicy policy = run.policy();
        WorkOrder order = run.order();
        List<Gate> all = new ArrayList<>(policy.gates().required());
        all.addAll(run.patch().gates().isEmpty() ? policy.gates().defaults() : run.patch().gates());
        int n = 0;
        for (Gate gate : all) {
            n++;
            String name = gate.name() == null || gate.name().isBlank() ? "gate " + n : gate.name();
            run.stopIfCancelled("gate '" + name + "'");
            GateResult r;
            boolean timedOut = false;
            Duration timeout = gate.timeout() == null ? policy.limits().commandTimeoutDuration()
                    : Durations.parse(gate.timeout());
            if (gate.isCommand()) {
                PatchProcesses processes = run.processes();
                ProcessRunner.Outcome o = processes.start(gate.run(), processes.bounded(timeout, gate.run()));
                timedOut = o.timedOut();
                String tail = timedOut ? o.outputTail() + "\n[killed after " + PatchProcesses.human(timeout) + "]"
                        : o.outputTail();
                r = new GateResult(name, o.succeeded(), o.exitCode(), o.durationMs(), tail);
            } else {
                r = fileContains(name, gate, run.guard());
            }
            run.gates().add(r);
            run.progress().accept(new WorkResult.GateFinished(order.domain(), order.patchId(), order.attempt(),
                    run.clock().instant(), r));
            if (timedOut) {
                throw new StepFailure(FailureClass.TIMEOUT, "gate '" + name + "' ran past its timeout of "
                        + PatchProcesses.human(timeout), r.outputTail());
            }
            if (!r.passed()) {
                throw new StepFailure(FailureClass.GATE_FAILED, "gate '" + name + "' failed with exit code "
                        + r.exitCode(), r.outputTail());
            }
        }
    }

    private static GateResult fileContains(String name, Gate gate, TreeGuard guard) {
        long g0 = System.nanoTime();
        Gate.FileContains fc = gate.fileContains();
        String out;
        boolean passed = false;
        if (fc == null || fc.path() == null || fc.text() == null) {
            out = "the gate neither runs a command nor names a file and a text";
        } else {
            try {
                Path p = guard.forWrite(fc.path());
                if (!Files.isRegularFile(p)) {
                    out = fc.path() + " does not exist";
                } else {
                    passed = Files.readString(p, StandardCharsets.UTF_8).contains(fc.text());
                    out = fc.path() + (passed ? " contains " : " does not contain ") + "\"" + fc.text() + "\"";
                }
            } catch (TreeGuard.Escape e) {
                out = e.getMessage();
            } catch (IOException e) {
                out = "cannot read " + fc.path() + ": " + e.getMessage();
            }
        }
        return new GateResult(name, passed, passed ? 0 : 1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - g0),
                out);
    }
}
