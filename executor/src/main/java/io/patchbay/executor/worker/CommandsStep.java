package io.patchbay.executor.worker;

import io.patchbay.contracts.work.FailureClass;
import java.time.Duration;
import java.util.List;

/** Runs the patch's commands in order; the first that fails or runs past its time fails the patch. */
final class CommandsStep implements RunStep {

    /** Each command is its own checkpoint, named by its command line. */
    @Override
    public String checkpoint() {
        return null;
    }

    @Override
    public void run(RunContext run) throws StepFailure, RunStopped, InterruptedException {
        PatchProcesses processes = run.processes();
        Duration timeout = run.policy().limits().commandTimeoutDuration();
        for (List<String> argv : run.patch().commands()) {
            String line = String.join(" ", argv);
            run.stopIfCancelled("command `" + line + "`");
            ProcessRunner.Outcome o = processes.start(argv, processes.bounded(timeout, argv));
            run.commands().add(new Summary.CommandRun(argv, o.exitCode(), o.timedOut(), o.durationMs(),
                    o.outputTail()));
            if (o.timedOut()) {
                throw new StepFailure(FailureClass.TIMEOUT, "command `" + line + "` ran past "
                        + PatchProcesses.human(timeout), o.outputTail());
            }
            if (o.exitCode() != 0) {
                throw new StepFailure(FailureClass.COMMAND_FAILED, "command `" + line + "` exited with " + o.exitCode(),
                        o.outputTail());
            }
        }
    }
}
