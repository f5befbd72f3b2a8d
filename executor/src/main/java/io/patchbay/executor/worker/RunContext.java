package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.Bubblewrap;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * The state of one run of one order that its steps share: what it runs (order, patch, the domain's
 * policy, the tree), what it has done so far (gates and commands run, paths the diff wrote, whether a
 * process ran) and where it is (the step, for the reason of a cancel).
 */
final class RunContext {

    /** The steps that handle the patch's own content: what throws there is the patch's fault. */
    static final String APPLYING_DIFF = "applying the diff";
    static final String WRITING_FILES = "writing files";

    private final WorkOrder order;
    private final Consumer<WorkResult> progress;
    private final Cancellation cancellation;
    private final Clock clock;
    private final Path home;
    private final Supplier<ExecutionContract> contract;
    private final Bubblewrap bubblewrap;
    private final long t0 = System.nanoTime();
    private final List<GateResult> gates = new ArrayList<>();
    private final List<Summary.CommandRun> commands = new ArrayList<>();
    private final Set<String> diffPaths = new LinkedHashSet<>();
    /** What the run is doing now, for the reason of a cancel. */
    private String step = "preparing the working tree";
    /** True while the diff is being written: an unexpected error there leaves the touched paths unknown. */
    private boolean diffUnsettled;
    private DomainPolicy policy;
    private Path tree;
    private GitWorkspace git;
    private ObjectId base;
    private TreeGuard guard;
    private PatchProcesses processes;
    private RevCommit commit;
    private List<Summary.ChangedFile> changed;
    /** The commit the log recorded, when the remote had moved past it and the run fast-forwarded; else null. */
    private ObjectId movedFrom;
    /** The remote (without credentials) the commit went to; null for a domain without one. */
    private String pushedTo;
    private RemoteSync remote;

    RunContext(WorkOrder order, Consumer<WorkResult> progress, Cancellation cancellation, Clock clock, Path home,
            Supplier<ExecutionContract> contract, Bubblewrap bubblewrap) {
        this.order = order;
        this.progress = progress;
        this.cancellation = cancellation;
        this.clock = clock;
        this.home = home;
        this.contract = contract;
        this.bubblewrap = bubblewrap;
    }

    /** The domain's policy was found: the patch's deadline starts from when the run did. */
    void resolved(DomainPolicy policy, Path tree) {
        this.policy = policy;
        this.tree = tree;
        long deadline = t0 + policy.limits().patchTimeoutDuration().toNanos();
        this.processes = new PatchProcesses(order, policy, bubblewrap, home, tree, cancellation, deadline);
        this.remote = policy.remote() == null ? null : new RemoteSync(policy.remote(), home, System::getenv);
    }

    /** The domain's git remote, or null for a domain whose tree is only local. */
    RemoteSync remote() {
        return remote;
    }

    /** The tree is open at {@code base}: a rollback goes back there. */
    void opened(GitWorkspace git, ObjectId base) {
        this.git = git;
        this.base = base;
    }

    /**
     * The tree moved to {@code newBase}, the remote's head, before the steps (re)start: the base a
     * rollback goes back to, and nothing of an earlier round counts.
     */
    void rebased(ObjectId newBase) {
        if (movedFrom == null) {
            movedFrom = base;
        }
        base = newBase;
        gates.clear();
        commands.clear();
        diffPaths.clear();
        commit = null;
        changed = null;
    }

    /**
     * The tree was already past the log's commit by a fast-forward to the remote the log did not hear
     * of: this run tells it, as it would a move it made itself.
     */
    void movedFrom(ObjectId recorded) {
        if (movedFrom == null) {
            movedFrom = recorded;
        }
    }

    void pushed(String remote) {
        pushedTo = remote;
    }

    ObjectId movedFrom() {
        return movedFrom;
    }

    String pushedTo() {
        return pushedTo;
    }

    /** The guard every path the steps write goes through. */
    void guarded(TreeGuard guard) {
        this.guard = guard;
    }

    /** Marks the step the run is in. */
    void enter(String next) {
        step = next;
    }

    /** Marks the step the run is in, and stops it there when a cancel came. */
    void stopIfCancelled(String next) throws RunStopped {
        enter(next);
        if (cancellation.cancelled()) {
            throw new RunStopped();
        }
    }

    /** Whether the run is in a step where what throws is the patch's own content's fault. */
    boolean inPatchContent() {
        return step.equals(APPLYING_DIFF) || step.equals(WRITING_FILES);
    }

    void diffUnsettled(boolean unsettled) {
        diffUnsettled = unsettled;
    }

    void diffWrote(Collection<String> paths) {
        diffPaths.addAll(paths);
    }

    void committed(RevCommit commit, List<Summary.ChangedFile> changed) {
        this.commit = commit;
        this.changed = changed;
    }

    /** The paths the run may have changed: the patch's own and those its diff wrote. */
    Set<String> touchedPaths() {
        var paths = new LinkedHashSet<>(order.patch().touchedPaths());
        paths.addAll(diffPaths);
        return paths;
    }

    /**
     * The paths that may differ from the base, for a commit of those alone; null when a command or
     * command gate ran, since a process may change any file: that patch's commit scans the whole tree.
     */
    Set<String> commitPaths() {
        return processRan() ? null : touchedPaths();
    }

    /** Whether the whole tree goes back on a rollback: a process ran, or the diff broke off unexpectedly. */
    boolean wholeTreeChanged() {
        return processRan() || diffUnsettled;
    }

    private boolean processRan() {
        return processes != null && processes.started();
    }

    /** The sandbox caution of the domain for its summaries; null where commands run sandboxed. */
    String sandboxCaution() {
        return policy == null ? null : new CommandLauncher(policy.commands(), bubblewrap, home, tree).caution();
    }

    String title() {
        Patch patch = order.patch();
        String t = patch == null ? null : Summary.oneLine(patch.title());
        return t == null || t.isEmpty() ? "Patch " + order.patchId() : t;
    }

    long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    WorkOrder order() {
        return order;
    }

    Patch patch() { return order.patch(); }
    Consumer<WorkResult> progress() {
        return progress;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    Clock clock() {
        return clock;
    }

    Supplier<ExecutionContract> contract() {
        return contract;
    }

    String step() {
        return step;
    }

    DomainPolicy policy() {
        return policy;
    }

    Path tree() {
        return tree;
    }

    GitWorkspace git() {
        return git;
    }

    ObjectId base() {
        return base;
    }

    TreeGuard guard() {
        return guard;
    }

    PatchProcesses processes() {
        return processes;
    }

    List<GateResult> gates() {
        return gates;
    }

    List<Summary.CommandRun> commands() {
        return commands;
    }

    RevCommit commit() {
        return commit;
    }

    List<Summary.ChangedFile> changed() {
        return changed;
    }
}
