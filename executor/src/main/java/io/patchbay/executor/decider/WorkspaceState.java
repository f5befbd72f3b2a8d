package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.work.WorkspaceTask;
import java.time.Instant;

/**
 * What the decider keeps about a domain's working tree, beside its {@link DomainState}: the commit
 * HEAD should be at, whether the domain is frozen by drift, the task out with the worker, when the
 * tree was last checked, and the last Snapshot recorded.
 *
 * @param expectedCommit the last applied (or adopted) commit; null until a patch lands or a first
 *     check records what the tree is at
 * @param checks the number of the last task handed out; answers carry it back
 * @param pending the task out with the worker, or null; patches wait while one is out
 * @param lastCheck when the last verify went out (or the domain was first seen)
 */
public record WorkspaceState(
        String domain,
        String expectedCommit,
        boolean frozen,
        int checks,
        WorkspaceTask pending,
        Instant pendingSince,
        Instant lastCheck,
        String snapshotCommit,
        String snapshotTree,
        Instant snapshotAt) {

    static WorkspaceState firstSeen(String domain, Instant now) {
        return new WorkspaceState(domain, null, false, 0, null, null, now, null, null, null);
    }

    WorkspaceState expecting(String commit) {
        return new WorkspaceState(domain, commit, frozen, checks, pending, pendingSince, lastCheck, snapshotCommit,
                snapshotTree, snapshotAt);
    }

    WorkspaceState frozen(boolean f) {
        return new WorkspaceState(domain, expectedCommit, f, checks, pending, pendingSince, lastCheck, snapshotCommit,
                snapshotTree, snapshotAt);
    }

    /** The next task of this domain, numbered after the last one. */
    WorkspaceTask next(String action, Submitter by) {
        return new WorkspaceTask(action, checks + 1, expectedCommit, by);
    }

    WorkspaceState sent(WorkspaceTask task, Instant now) {
        Instant checked = WorkspaceTask.VERIFY.equals(task.action()) ? now : lastCheck;
        return new WorkspaceState(domain, expectedCommit, frozen, task.check(), task, now, checked, snapshotCommit,
                snapshotTree, snapshotAt);
    }

    WorkspaceState answered() {
        return new WorkspaceState(domain, expectedCommit, frozen, checks, null, null, lastCheck, snapshotCommit,
                snapshotTree, snapshotAt);
    }

    WorkspaceState snapshot(String commit, String tree, Instant at) {
        return new WorkspaceState(domain, expectedCommit, frozen, checks, pending, pendingSince, lastCheck, commit, tree,
                at);
    }

    boolean awaits(int check) {
        return pending != null && pending.check() == check;
    }
}
