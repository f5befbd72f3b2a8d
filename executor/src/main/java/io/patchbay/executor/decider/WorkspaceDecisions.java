package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Freeze-verify, the decider's half: at the contract's {@code driftCheckInterval} an idle domain's
 * working tree is checked by the worker against the commit the log says it is at, and the worker
 * checks it again before every patch (the order carries the commit to expect). Drift freezes
 * the domain (its patches wait) until an operator adopts the tree or resets it. Pure logic over a
 * {@link Transition}, like {@link Decisions}.
 */
final class WorkspaceDecisions {

    private static final Logger log = LoggerFactory.getLogger(WorkspaceDecisions.class);

    /**
     * How long a task may go unanswered before patches stop waiting for it. A worker that is down
     * answers when it comes back (its offsets are not committed); this only keeps a lost order
     * (one an older worker could not read, say) from holding the domain for ever.
     */
    static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(2);

    /** A clean tree that has not changed is recorded at most this often (or once per check interval if longer). */
    static final Duration SNAPSHOT_EVERY = Duration.ofHours(1);

    private final Supplier<ExecutionContract> contract;

    WorkspaceDecisions(Supplier<ExecutionContract> contract) {
        this.contract = contract;
    }

    /** Whether patches of the domain must wait: it is frozen, or a task on its tree is out. */
    boolean holdsDispatch(Transition tx, String domain) {
        WorkspaceState w = tx.workspace(domain);
        return w != null && (w.frozen() || w.pending() != null);
    }

    /** The commit HEAD must be at before the domain's next patch starts; null while the log does not know it. */
    String expectedHead(Transition tx, String domain) {
        WorkspaceState w = tx.workspace(domain);
        return w == null ? null : w.expectedCommit();
    }

    /**
     * The worker found the tree drifted before a patch started: the domain freezes as if a check
     * had found it, and stays frozen until an operator adopts or resets. The patch is the caller's.
     */
    void driftBeforeRun(Transition tx, String domain, WorkResult.TreeDrifted drift) {
        WorkspaceState w = current(tx, domain);
        if (w.frozen()) {
            log.debug("domain {} is frozen already; not recording the drift found before patch {} again", domain,
                    drift.patchId());
            return;
        }
        freeze(tx, w, drift.expectedCommit(), drift.actualCommit(), drift.detail(), drift.files());
    }

    /** A patch landed: its commit is what HEAD is at from now on. */
    void applied(Transition tx, String domain, String commitId) {
        if (commitId != null) {
            tx.putWorkspace(current(tx, domain).expecting(commitId));
        }
    }

    /**
     * The wall clock: gives up on a task that went unanswered too long, and sends a verify when the
     * domain is idle (nothing running, nothing queued) and its interval has passed.
     *
     * @return whether patches that waited for a task may now be dispatched
     */
    boolean onTick(Transition tx, String domain) {
        Optional<Duration> interval = interval(domain);
        WorkspaceState w = tx.workspace(domain);
        if (interval.isEmpty()) {
            return false;
        }
        if (w == null) {
            // The first check comes one interval after the domain is first seen, not at once.
            tx.putWorkspace(WorkspaceState.firstSeen(domain, tx.now()));
            return false;
        }
        Instant now = tx.now();
        if (w.pending() != null) {
            if (now.isBefore(w.pendingSince().plus(ANSWER_TIMEOUT))) {
                return false;
            }
            log.warn("the {} of domain {}'s working tree (check {}) went unanswered for {} s; patches stop waiting for it",
                    w.pending().action(), domain, w.pending().check(), ANSWER_TIMEOUT.toSeconds());
            tx.putWorkspace(w.answered());
            return !w.frozen();
        }
        DomainState d = tx.domain(domain);
        boolean idle = d.current() == null && d.queue().isEmpty();
        if (w.frozen() || !idle || now.isBefore(w.lastCheck().plus(interval.get()))) {
            return false;
        }
        send(tx, w, w.next(WorkspaceTask.VERIFY, null));
        return false;
    }

    /** An operator's unfreeze: refused unless the domain is frozen and no other unfreeze is under way. */
    void onUnfreeze(Transition tx, String domain, Command.Unfreeze u) {
        String mode = u.mode() == null ? "" : u.mode().strip().toLowerCase(Locale.ROOT);
        WorkspaceState w = current(tx, domain);
        String refusal = null;
        if (!Command.Unfreeze.MODES.contains(mode)) {
            refusal = "unfreeze needs the mode adopt or reset, not '" + u.mode() + "'";
        } else if (!w.frozen()) {
            refusal = "domain '" + domain + "' is not frozen";
        } else if (w.pending() != null) {
            refusal = "an unfreeze of domain '" + domain + "' (" + w.pending().action() + ", asked by "
                    + w.pending().by() + ") is under way";
        }
        if (refusal != null) {
            log.info("refusing Unfreeze of domain {} by {}: {}", domain, u.by(), refusal);
            tx.event(domain, null, new EventBody.CommandRefused("Unfreeze", u.by(), refusal));
            return;
        }
        log.info("domain {}: {} asked by {}", domain, mode, u.by());
        send(tx, w, w.next(mode, u.by()));
    }

    /**
     * The worker's answer to a task. An answer to anything but the task out is late or repeated
     * and changes nothing.
     *
     * @return whether patches that waited may now be dispatched
     */
    boolean onAnswer(Transition tx, String domain, WorkResult.WorkspaceAnswer answer) {
        WorkspaceState w = current(tx, domain);
        if (!w.awaits(answer.check())) {
            log.debug("ignoring {} of check {} in domain {}: not the task out ({})",
                    answer.getClass().getSimpleName(), answer.check(), domain, w.pending());
            return false;
        }
        WorkspaceTask task = w.pending();
        w = w.answered();
        if (answer instanceof WorkResult.DriftFound drift) {
            freeze(tx, w, drift.expectedCommit(), drift.actualCommit(), drift.detail(), drift.files());
            return false;
        }
        var clean = (WorkResult.WorkspaceVerified) answer;
        if (WorkspaceTask.VERIFY.equals(task.action())) {
            if (w.expectedCommit() != null && !w.expectedCommit().equals(clean.commitId())) {
                freeze(tx, w, w.expectedCommit(), clean.commitId(), "HEAD is at " + clean.commitId()
                        + ", not at the last applied commit " + w.expectedCommit(), null);
                return false;
            }
            w = w.expecting(clean.commitId());
        } else {
            w = w.expecting(clean.commitId()).frozen(false);
            tx.event(domain, null, new EventBody.DomainUnfrozen(task.action(), task.by(), clean.savedRef()));
            log.info("domain {} unfrozen ({} by {}); HEAD is at {}{}", domain, task.action(), task.by(), clean.commitId(),
                    clean.savedRef() == null ? "" : "; the tree it discarded is saved as " + clean.savedRef());
        }
        tx.putWorkspace(snapshot(tx, w, clean));
        return true;
    }

    private void freeze(Transition tx, WorkspaceState w, String expected, String actual, String detail,
            List<String> files) {
        tx.event(w.domain(), null, new EventBody.DriftFound(expected, actual, detail, files));
        tx.putWorkspace(w.frozen(true));
        log.warn("domain {} is frozen: its working tree drifted: {}", w.domain(), detail);
    }

    /** Records a Snapshot when the tree differs from the last one recorded, or that one is old. */
    private WorkspaceState snapshot(Transition tx, WorkspaceState w, WorkResult.WorkspaceVerified clean) {
        Duration every = interval(w.domain()).filter(i -> i.compareTo(SNAPSHOT_EVERY) > 0).orElse(SNAPSHOT_EVERY);
        boolean same = clean.commitId().equals(w.snapshotCommit()) && clean.treeHash().equals(w.snapshotTree());
        if (same && w.snapshotAt() != null && tx.now().isBefore(w.snapshotAt().plus(every))) {
            return w;
        }
        tx.event(w.domain(), null, new EventBody.Snapshot(clean.commitId(), clean.treeHash()));
        return w.snapshot(clean.commitId(), clean.treeHash(), tx.now());
    }

    private void send(Transition tx, WorkspaceState w, WorkspaceTask task) {
        tx.order(WorkOrder.of(w.domain(), task, tx.now()));
        tx.putWorkspace(w.sent(task, tx.now()));
        log.debug("sent {} (check {}) of domain {}, expecting {}", task.action(), task.check(), w.domain(),
                task.expectedCommit());
    }

    private static WorkspaceState current(Transition tx, String domain) {
        WorkspaceState w = tx.workspace(domain);
        return w == null ? WorkspaceState.firstSeen(domain, tx.now()) : w;
    }

    private Optional<Duration> interval(String domain) {
        return contract.get().domain(domain).map(DomainPolicy::driftCheckIntervalDuration);
    }
}
