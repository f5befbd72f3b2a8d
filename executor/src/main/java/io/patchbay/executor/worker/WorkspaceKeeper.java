package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freeze-verify, the worker's half: compares a domain's working tree with the commit the log says
 * it is at ({@code verify}), and ends a freeze by taking the tree as it is ({@code adopt}: changes
 * made outside patchbay become a commit with an {@value #TRAILER} trailer) or by putting it back
 * ({@code reset}: the tree as found is first saved on a ref by {@link TreeSaver}, then hard reset to
 * the recorded commit, untracked files removed). Every answer says
 * where the tree ended up; anything that goes wrong is answered as drift, since the tree is then
 * not known to be as recorded. The git work is {@link GitWorkspace}'s, as for a patch's run.
 */
public final class WorkspaceKeeper {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceKeeper.class);

    /** The trailer of the commit an adopt makes, naming the operator who adopted the changes. */
    public static final String TRAILER = "Adopted-By";

    /** The trailer of the commit a reset saves the discarded tree as, naming the operator who reset. */
    public static final String RESET_TRAILER = "Reset-By";

    private final Path home;
    private final Supplier<ExecutionContract> contract;
    private final Clock clock;
    private final Function<String, String> env;

    public WorkspaceKeeper(Path home, Supplier<ExecutionContract> contract, Clock clock) {
        this(home, contract, clock, System::getenv);
    }

    /** @param env reads an environment variable (a remote's credentials); {@code System::getenv} outside tests */
    WorkspaceKeeper(Path home, Supplier<ExecutionContract> contract, Clock clock, Function<String, String> env) {
        this.home = Objects.requireNonNull(home, "home");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Does the order's task and answers it; never throws. */
    public WorkResult run(WorkOrder order) {
        try {
            return run(order, Cancellation.none(), "workspace keeper");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unanswerable(order, e, clock);
        }
    }

    /**
     * Does the order's task holding the tree's {@link DomainLock} and answers it.
     *
     * @throws Fenced when this worker was fenced while it waited for the tree
     * @throws InterruptedException when the worker shuts down while it waits for the tree
     */
    public WorkResult run(WorkOrder order, Cancellation cancellation, String holder) throws InterruptedException {
        WorkspaceTask task = order.workspace();
        Path tree = null;
        try {
            ExecutionContract c = contract.get();
            tree = Workspaces.pathOf(c, home, order.domain());
            RemoteSync sync = c.domain(order.domain()).map(d -> d.remote()).map(r -> new RemoteSync(r, home, env))
                    .orElse(null);
            if (!Files.exists(tree.resolve(Constants.DOT_GIT))) {
                if (sync == null) {
                    return drift(order, null, "cannot " + task.action() + " the working tree: "
                            + TreeHandover.absent(order.domain(), tree, task.expectedCommit()));
                }
                try {
                    // Taken over from another instance: the tree is the remote's, at the recorded commit.
                    sync.cloneInto(tree, task.expectedCommit());
                } catch (RemoteSync.Unreachable e) {
                    return drift(order, null, "the working tree is not on this instance and cannot be cloned: "
                            + e.getMessage());
                }
            }
            try (GitWorkspace git = GitWorkspace.open(tree);
                    DomainLock lock = DomainLock.acquire(git.repository().getDirectory().toPath(), order.domain(),
                            holder, cancellation::cancelled)) {
                if (lock == null) {
                    throw new Fenced(String.valueOf(cancellation.fenced()));
                }
                return switch (task.action()) {
                    case WorkspaceTask.VERIFY -> verify(order, git, sync, tree);
                    case WorkspaceTask.ADOPT -> adopt(order, git);
                    case WorkspaceTask.RESET -> reset(order, git, sync);
                    default -> drift(order, git.head(), "the worker does not know the workspace task '"
                            + task.action() + "'");
                };
            }
        } catch (Fenced e) {
            throw e;
        } catch (IOException | GitAPIException | RuntimeException e) {
            log.error("cannot {} the working tree of domain {} at {}", task.action(), order.domain(), tree, e);
            return unanswerable(order, e, clock);
        }
    }

    /** The answer when the task could not be done at all: the tree is not known to be as recorded. */
    static WorkResult unanswerable(WorkOrder order, Exception e, Clock clock) {
        WorkspaceTask task = order.workspace();
        return new WorkResult.DriftFound(order.domain(), task.check(), task.action(), clock.instant(),
                task.expectedCommit(), null, "cannot " + task.action() + " the working tree: " + e.getMessage());
    }

    /**
     * A domain on a remote whose clean tree is behind the recorded commit (its worker ran on another
     * instance) is first fetched forward to it: being behind what the remote holds is not drift.
     */
    private WorkResult verify(WorkOrder order, GitWorkspace git, RemoteSync sync, Path tree)
            throws IOException, GitAPIException {
        String expected = order.workspace().expectedCommit();
        String unreachable = null;
        if (sync != null) {
            try {
                TreeHandover.catchUp(sync, git, order.domain(), expected);
            } catch (RemoteSync.Unreachable e) {
                unreachable = e.getMessage();
            }
        }
        Optional<TreeVerifier.Drift> drift = git.drift(expected);
        if (drift.isEmpty()) {
            return verified(order, git.repository(), git.head(), null);
        }
        TreeVerifier.Drift d = TreeHandover.explain(drift.get(), sync != null, order.domain(), tree, git.repository());
        if (unreachable != null) {
            d = new TreeVerifier.Drift(d.expectedCommit(), d.actualCommit(), d.files(), d.detail()
                    + "; the remote could not be asked whether it holds the recorded commit: " + unreachable);
        }
        return drift(order, d);
    }

    private WorkResult adopt(WorkOrder order, GitWorkspace git) throws IOException, GitAPIException {
        String changes = git.uncommittedChanges();
        if (changes != null) {
            PersonIdent patchbay = new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
            RevCommit c = git.commitAll("Adopt changes made outside patchbay\n\n" + changes + ".\n\n" + TRAILER
                    + ": " + order.workspace().by() + "\n", patchbay);
            log.info("domain {}: adopted the working tree as {} for {}", order.domain(), c.name(), order.workspace().by());
        }
        new RunMarker(git.repository()).clear();
        return verify(order, git, "adopt", null);
    }

    /**
     * Saves what the reset would discard (uncommitted files, and commits HEAD moved on by) to a ref
     * named in the answer, and only then resets: an edit is never lost, only put aside.
     */
    private WorkResult reset(WorkOrder order, GitWorkspace git, RemoteSync sync) throws IOException, GitAPIException {
        Repository repo = git.repository();
        WorkspaceTask task = order.workspace();
        String expected = task.expectedCommit();
        ObjectId target = expected == null ? git.head() : TreeVerifier.commit(repo, expected);
        if (target == null && sync != null) {
            // A stale clone: the recorded commit is on the remote.
            try {
                sync.fetch(repo);
                target = TreeVerifier.commit(repo, expected);
            } catch (RemoteSync.Unreachable e) {
                log.warn("domain {}: cannot fetch the recorded commit {} to reset to: {}", order.domain(), expected,
                        e.getMessage());
            }
        }
        if (target == null) {
            return drift(order, git.head(), expected == null ? "cannot reset: the working tree has no commit"
                    : "cannot reset: the recorded commit " + expected + " is not in the repository");
        }
        Optional<TreeVerifier.Drift> found = git.drift(target.name());
        String saved;
        if (found.isPresent()) {
            PersonIdent patchbay = new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
            saved = TreeSaver.save(repo, order.domain(), task.check(), patchbay,
                    "Working tree of " + order.domain() + " as found before a reset to " + target.name() + "\n\n"
                            + found.get().detail() + ".\n\n" + RESET_TRAILER + ": " + task.by() + "\n");
            log.info("domain {}: saved the working tree as {} before resetting it", order.domain(), saved);
        } else {
            // A redelivered reset finds the tree already reset: the ref its first run saved still stands.
            saved = TreeSaver.existing(repo, order.domain(), task.check());
        }
        // Ignored files (build caches) stay, as they do when a failed patch is rolled back.
        git.cleanTo(target);
        new RunMarker(repo).clear();
        log.info("domain {}: reset the working tree to {} for {}", order.domain(), target.name(), task.by());
        return verify(order, git, "reset", saved);
    }

    /** After an adopt or reset: the tree must now be clean; its HEAD is what the log expects from now on. */
    private WorkResult verify(WorkOrder order, GitWorkspace git, String what, String savedRef)
            throws IOException, GitAPIException {
        ObjectId head = git.head();
        String dirty = git.uncommittedChanges();
        if (head == null || dirty != null) {
            return drift(order, head, what + " left the working tree unclean: "
                    + (head == null ? "it has no commit" : dirty)
                    + (savedRef == null ? "" : "; the tree as found is saved as " + savedRef));
        }
        return verified(order, git.repository(), head, savedRef);
    }

    private WorkResult verified(WorkOrder order, Repository repo, ObjectId head, String savedRef) throws IOException {
        WorkspaceTask task = order.workspace();
        String tree = repo.parseCommit(head).getTree().name();
        log.debug("domain {}: {} found the working tree clean at {}", order.domain(), task.action(), head.name());
        return new WorkResult.WorkspaceVerified(order.domain(), task.check(), task.action(), clock.instant(),
                head.name(), tree, savedRef);
    }

    private WorkResult drift(WorkOrder order, ObjectId head, String detail) {
        WorkspaceTask task = order.workspace();
        log.warn("domain {}: {} found drift: {}", order.domain(), task.action(), detail);
        return new WorkResult.DriftFound(order.domain(), task.check(), task.action(), clock.instant(),
                task.expectedCommit(), head == null ? null : head.name(), detail);
    }

    private WorkResult drift(WorkOrder order, TreeVerifier.Drift drift) {
        WorkspaceTask task = order.workspace();
        log.warn("domain {}: {} found drift: {}", order.domain(), task.action(), drift.detail());
        return new WorkResult.DriftFound(order.domain(), task.check(), task.action(), clock.instant(),
                drift.expectedCommit(), drift.actualCommit(), drift.detail(), drift.files());
    }
}
