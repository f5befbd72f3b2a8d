package io.patchbay.executor.worker;

import java.io.IOException;
import org.eclipse.jgit.api.errors.GitAPIException;

/**
 * One step of a patch's run; {@link PatchRunner#STEPS} runs them in order. A step fails with a
 * {@link StepFailure} naming its class, and stops with {@link RunStopped} when it sees a cancel;
 * anything else it throws the runner classes as the patch's fault or the worker's.
 */
sealed interface RunStep permits ApplyDiffStep, WriteFilesStep, CommandsStep, GatesStep, CommitStep {

    /**
     * What the run is doing once this step begins, and a cancel is looked for before it does; null
     * for a step that looks before each of its parts (each command, each gate) and names them itself.
     */
    String checkpoint();

    void run(RunContext run) throws StepFailure, RunStopped, IOException, GitAPIException, InterruptedException;
}
