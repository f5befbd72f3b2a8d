package io.patchbay.executor.sandbox;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.DomainPolicy;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a patch can run where commands must be sandboxed: a patch that would start a process (a
 * command, or a command gate of its own or of the contract) in a domain whose contract asks for
 * bubblewrap cannot run on an executor without it. The decider asks this beside the contract's
 * verdict, with the sandbox status found at start-up, so a rejection names its reason at once
 * instead of the patch failing later on the worker.
 */
public final class SandboxRequirement {

    public static final String CODE = "SANDBOX_UNAVAILABLE";

    private SandboxRequirement() {}

    /** The violation that keeps the patch from running, if any. */
    public static Optional<Violation> check(Patch patch, DomainPolicy policy, SandboxStatus sandbox) {
        if (sandbox.available() || policy == null || !policy.commands().sandboxed() || !startsProcesses(patch, policy)) {
            return Optional.empty();
        }
        return Optional.of(new Violation(CODE, patch.domain(), "Domain '" + patch.domain()
                + "' runs commands and gates in a bubblewrap sandbox, and this executor has none ("
                + sandbox.reason() + "); " + Bubblewrap.HOW_TO_INSTALL + "."));
    }

    /** The same, as a list to add to a verdict. */
    public static List<Violation> violations(Patch patch, DomainPolicy policy, SandboxStatus sandbox) {
        return check(patch, policy, sandbox).stream().toList();
    }

    /** Whether running the patch starts a process: its commands, and the command gates the worker will run. */
    public static boolean startsProcesses(Patch patch, DomainPolicy policy) {
        if (!patch.commands().isEmpty()) {
            return true;
        }
        List<Gate> own = patch.gates().isEmpty() ? policy.gates().defaults() : patch.gates();
        return Stream.concat(policy.gates().required().stream(), own.stream()).anyMatch(Gate::isCommand);
    }
}
