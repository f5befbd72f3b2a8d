package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one patch's commands and command gates run: as the domain's contract says (sandboxed unless
 * it says none), each within its own timeout cut to what is left of the patch's, killed on a cancel.
 */
final class PatchProcesses {

    private final WorkOrder order;
    private final DomainPolicy policy;
    private final Bubblewrap bubblewrap;
    private final Path home;
    private final Path tree;
    private final Cancellation cancellation;
    private final long deadline;
    /** How this patch's processes start; made, and the sandbox checked, before the first one. */
    private CommandLauncher launcher;

    PatchProcesses(WorkOrder order, DomainPolicy policy, Bubblewrap bubblewrap, Path home, Path tree,
            Cancellation cancellation, long deadline) {
        this.order = order;
        this.policy = policy;
        this.bubblewrap = bubblewrap;
        this.home = home;
        this.tree = tree;
        this.cancellation = cancellation;
        this.deadline = deadline;
    }

    /** Whether this patch got as far as launching a process, which may have changed any file. */
    boolean started() {
        return launcher != null;
    }

    /** Runs one command or command gate. */
    ProcessRunner.Outcome start(List<String> argv, Duration timeout) throws StepFailure, InterruptedException {
        if (launcher == null) {
            var candidate = new CommandLauncher(policy.commands(), bubblewrap, home, tree);
            SandboxStatus status = candidate.check();
            if (!status.available()) {
                // Not the patch's fault, but no retry brings the sandbox back: a person must act.
                throw new StepFailure(FailureClass.PRECONDITION, "the command sandbox is not available on this worker ("
                        + status.reason() + "); " + Bubblewrap.HOW_TO_INSTALL, null);
            }
            launcher = candidate;
        }
        try (CommandLauncher.Launch launch = launcher.launch(argv, environment())) {
            return ProcessRunner.run(launch.argv(), tree, launch.env(), timeout, policy.limits().outputBytes(),
                    cancellation);
        } catch (CommandLauncher.Refused e) {
            return new ProcessRunner.Outcome(-1, false, e.getMessage(), 0);
        } catch (IOException e) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, "cannot start `" + String.join(" ", argv) + "`: "
                    + e.getMessage(), null);
        }
    }

    /** The step's own timeout, cut to what is left of the patch's. */
    Duration bounded(Duration timeout, List<String> argv) throws StepFailure {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new StepFailure(FailureClass.TIMEOUT, "the patch ran past its timeout of "
                    + policy.limits().patchTimeout() + " before `" + String.join(" ", argv) + "`", null);
        }
        return timeout.toNanos() < left ? timeout : Duration.ofNanos(left);
    }

    /**
     * All a command's environment holds besides HOME and TMPDIR, which {@link CommandLauncher} adds:
     * nothing of the service's own. A {@code git} it runs takes no hook from the tree.
     */
    private Map<String, String> environment() {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", Bubblewrap.SYSTEM_PATH);
        env.put("LANG", "C.UTF-8");
        env.put("PATCHBAY_PATCH_ID", order.patchId());
        env.put("PATCHBAY_DOMAIN", order.domain());
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "core.hooksPath");
        env.put("GIT_CONFIG_VALUE_0", "/dev/null");
        return env;
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
