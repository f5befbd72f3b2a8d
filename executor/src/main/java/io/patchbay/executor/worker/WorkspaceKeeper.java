package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freeze-verify, the worker's half: compares a domain's working tree with the commit the log says
 * it is at ({@code verify}), and ends a freeze by taking the tree as it is ({@code adopt}: changes
 * made outside patchbay become a commit with an {@value #TRAILER} trailer) or by putting it back
 * ({@code reset}: hard reset to the recorded commit, untracked files removed). Every answer says
 * where the tree ended up; anything that goes wrong is answered as drift, since the tree is then
 * not known to be as recorded.
 */
public final class WorkspaceKeeper {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceKeeper.class);

    /** The trailer of the commit an adopt makes, naming the operator who adopted the changes. */
    public static final String TRAILER = "Adopted-By";

    /** At most this many changed files are named in a drift's detail. */
    static final int MAX_NAMED = 20;

    private final Path home;
    private final Supplier<ExecutionContract> contract;
    private final Clock clock;

    public WorkspaceKeeper(Path home, Supplier<ExecutionContract> contract, Clock clock) {
        this.home = Objects.requireNonNull(home, "home");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Does the order's task and answers it; never throws. */
    public WorkResult run(WorkOrder order) {
        WorkspaceTask task = order.workspace();
        Path tree = null;
        try {
            tree = Workspaces.pathOf(contract.get(), home, order.domain());
            try (Git git = Workspaces.open(tree)) {
                return switch (task.action()) {
                    case WorkspaceTask.VERIFY -> verify(order, git);
                    case WorkspaceTask.ADOPT -> adopt(order, git);
                    case WorkspaceTask.RESET -> reset(order, git);
                    default -> drift(order, head(git.getRepository()), "the worker does not know the workspace task '"
                            + task.action() + "'");
                };
            }
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

    private WorkResult verify(WorkOrder order, Git git) throws IOException, GitAPIException {
        String expected = order.workspace().expectedCommit();
        ObjectId head = head(git.getRepository());
        List<String> problems = new ArrayList<>();
        if (head == null) {
            problems.add("the working tree has no commit");
        } else if (expected != null && !expected.equals(head.name())) {
            problems.add(describeHead(git.getRepository(), expected, head));
        }
        String dirty = describeChanges(git.status().call());
        if (dirty != null) {
            problems.add(dirty);
        }
        if (problems.isEmpty()) {
            return verified(order, git.getRepository(), head);
        }
        return drift(order, head, String.join("; ", problems));
    }

    private WorkResult adopt(WorkOrder order, Git git) throws IOException, GitAPIException {
        Status status = git.status().call();
        if (!status.isClean()) {
            String changes = describeChanges(status);
            git.add().addFilepattern(".").setAll(true).call();
            PersonIdent patchbay = new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
            RevCommit c = git.commit()
                    .setMessage("Adopt changes made outside patchbay\n\n" + changes + ".\n\n" + TRAILER + ": "
                            + order.workspace().by() + "\n")
                    .setAuthor(patchbay)
                    .setCommitter(patchbay)
                    .setAllowEmpty(true)
                    .setNoVerify(true)
                    .setSign(false)
                    .call();
            log.info("domain {}: adopted the working tree as {} for {}", order.domain(), c.name(), order.workspace().by());
        }
        return verify(order, git, "adopt");
    }

    private WorkResult reset(WorkOrder order, Git git) throws IOException, GitAPIException {
        Repository repo = git.getRepository();
        String expected = order.workspace().expectedCommit();
        ObjectId target = expected == null ? head(repo) : commit(repo, expected);
        if (target == null) {
            return drift(order, head(repo), expected == null ? "cannot reset: the working tree has no commit"
                    : "cannot reset: the recorded commit " + expected + " is not in the repository");
        }
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(target.name()).call();
        // Ignored files (build caches) stay, as they do when a failed patch is rolled back.
        git.clean().setCleanDirectories(true).setForce(true).call();
        log.info("domain {}: reset the working tree to {} for {}", order.domain(), target.name(),
                order.workspace().by());
        return verify(order, git, "reset");
    }

    /** After an adopt or reset: the tree must now be clean; its HEAD is what the log expects from now on. */
    private WorkResult verify(WorkOrder order, Git git, String what) throws IOException, GitAPIException {
        ObjectId head = head(git.getRepository());
        String dirty = describeChanges(git.status().call());
        if (head == null || dirty != null) {
            return drift(order, head, what + " left the working tree unclean: "
                    + (head == null ? "it has no commit" : dirty));
        }
        return verified(order, git.getRepository(), head);
    }

    private WorkResult verified(WorkOrder order, Repository repo, ObjectId head) throws IOException {
        WorkspaceTask task = order.workspace();
        String tree = repo.parseCommit(head).getTree().name();
        log.debug("domain {}: {} found the working tree clean at {}", order.domain(), task.action(), head.name());
        return new WorkResult.WorkspaceVerified(order.domain(), task.check(), task.action(), clock.instant(),
                head.name(), tree);
    }

    private WorkResult drift(WorkOrder order, ObjectId head, String detail) {
        WorkspaceTask task = order.workspace();
        log.warn("domain {}: {} found drift: {}", order.domain(), task.action(), detail);
        return new WorkResult.DriftFound(order.domain(), task.check(), task.action(), clock.instant(),
                task.expectedCommit(), head == null ? null : head.name(), detail);
    }

    private static ObjectId head(Repository repo) throws IOException {
        return repo.resolve(Constants.HEAD);
    }

    /** The commit of that id, or null when the repository does not hold it (history was rewritten, say). */
    private static ObjectId commit(Repository repo, String id) throws IOException {
        try {
            return repo.resolve(id + "^{commit}");
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            return null;
        }
    }

    /** How HEAD relates to the recorded commit, for the person deciding between adopt and reset. */
    private static String describeHead(Repository repo, String expected, ObjectId head) throws IOException {
        ObjectId recorded = commit(repo, expected);
        String at = "HEAD is at " + head.name();
        if (recorded == null) {
            return at + " and the recorded commit " + expected + " is not in the repository";
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit headCommit = walk.parseCommit(head);
            RevCommit recordedCommit = walk.parseCommit(recorded);
            if (walk.isMergedInto(recordedCommit, headCommit)) {
                List<String> extra = commitsBetween(repo, recordedCommit, headCommit);
                return at + ", " + extra.size() + " commit(s) past the recorded " + expected + ": "
                        + named(extra);
            }
            walk.reset();
            if (walk.isMergedInto(headCommit, recordedCommit)) {
                return at + ", behind the recorded " + expected + " (applied commits were undone)";
            }
        }
        return at + ", which does not contain the recorded " + expected;
    }

    private static List<String> commitsBetween(Repository repo, RevCommit from, RevCommit to) throws IOException {
        var out = new ArrayList<String>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(to));
            walk.markUninteresting(walk.parseCommit(from));
            for (RevCommit c : walk) {
                out.add(c.abbreviate(10).name() + " \"" + c.getShortMessage() + "\"");
            }
        }
        return out;
    }

    /** The uncommitted changes, by kind, or null when the tree is clean (ignored files do not count). */
    static String describeChanges(Status status) {
        if (status.isClean()) {
            return null;
        }
        Map<String, String> byPath = new TreeMap<>();
        status.getUntracked().forEach(p -> byPath.put(p, "untracked"));
        status.getAdded().forEach(p -> byPath.put(p, "added"));
        status.getModified().forEach(p -> byPath.put(p, "modified"));
        status.getChanged().forEach(p -> byPath.put(p, "modified"));
        status.getMissing().forEach(p -> byPath.put(p, "deleted"));
        status.getRemoved().forEach(p -> byPath.put(p, "deleted"));
        status.getConflicting().forEach(p -> byPath.put(p, "conflicting"));
        List<String> named = byPath.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList();
        return "uncommitted changes: " + named(named);
    }

    private static String named(List<String> items) {
        if (items.size() <= MAX_NAMED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_NAMED)) + " and " + (items.size() - MAX_NAMED) + " more";
    }
}
