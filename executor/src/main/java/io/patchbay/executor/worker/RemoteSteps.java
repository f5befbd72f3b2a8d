package io.patchbay.executor.worker;

import io.patchbay.contracts.work.FailureClass;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run does with its domain's git remote ({@link RemoteSync}): before the steps, fetch and
 * fast-forward to what somebody else pushed; after the commit, push, and when the push loses a race,
 * take the remote's head as the new base so that the steps run again on it, at most
 * {@value #PUSH_ROUNDS} times in all.
 */
final class RemoteSteps {

    /** A run's lines keep the runner's name, whichever part writes them. */
    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    /** How many times a run commits and pushes before a branch that keeps moving fails it. */
    static final int PUSH_ROUNDS = 3;

    private RemoteSteps() {}

    /**
     * A domain on a remote whose tree is missing here (a fresh instance taking it over) gets it
     * cloned at the commit the log recorded, so that a branch moved past it becomes the run's new
     * base as any push by somebody else does. A remote that cannot be reached, and a domain without
     * a remote whose tree is missing (a shared volume not mounted, or the tree is on another
     * instance), fail the run as INFRASTRUCTURE, saying what the domain needs.
     */
    static void cloneIfMissing(RunContext run) throws StepFailure {
        if (Files.exists(run.tree().resolve(Constants.DOT_GIT))) {
            return;
        }
        if (run.remote() == null) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE,
                    TreeHandover.absent(run.order().domain(), run.tree(), run.order().expectedHead()), null);
        }
        try {
            run.remote().cloneInto(run.tree(), run.order().after() == null ? run.order().expectedHead() : null);
        } catch (RemoteSync.Unreachable | IOException e) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, e.getMessage(), null);
        }
    }

    /**
     * The commit the tree must be at: the log's, or HEAD when it differs from the log's only by a
     * fast-forward to the remote this worker made before the log heard of it (a clone made at
     * start-up, a crash, or a patch that failed after it): that is not somebody's change to the
     * tree, and this run tells the log of the move. A clean tree behind the log's commit (left
     * behind when the domain's worker ran on another instance) is first fetched forward to it. A HEAD
     * that carries this patch (pushed, then the worker died before reporting) is no such fast-forward:
     * the log's commit stays, so that the patch is found applied instead of applied again.
     *
     * @throws StepFailure INFRASTRUCTURE when the tree is behind and the remote cannot be reached
     */
    static String expectedHead(RunContext run, String logged) throws IOException, GitAPIException, StepFailure {
        ObjectId head = run.base();
        if (run.remote() == null || logged == null || head.name().equals(logged) || run.order().after() != null) {
            return logged;
        }
        try {
            ObjectId caughtUp = TreeHandover.catchUp(run.remote(), run.git(), run.order().domain(), logged);
            if (caughtUp != null) {
                run.opened(run.git(), caughtUp);
                return logged;
            }
        } catch (RemoteSync.Unreachable e) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, "the working tree is behind the recorded commit "
                    + logged + " and cannot be brought forward: " + e.getMessage(), null);
        }
        if (run.git().findApplied(head, logged, run.order().patchId()) == null
                && run.remote().fastForwardedFrom(run.git().repository(), head, logged)) {
            run.movedFrom(ObjectId.fromString(logged));
            return head.name();
        }
        return logged;
    }

    /** A drift found before the run, said for what it is when the tree the log knows is on another instance. */
    static TreeVerifier.Drift explain(RunContext run, TreeVerifier.Drift drift) throws IOException {
        return TreeHandover.explain(drift, run.remote() != null, run.order().domain(), run.tree(),
                run.git().repository());
    }

    /**
     * Fetches the branch and fast-forwards a clean tree at {@code run.base()} to it; the run's base is
     * then the remote's head ({@link RunContext#rebased}).
     *
     * @throws StepFailure an INFRASTRUCTURE failure when the remote cannot be reached, or when its branch
     *     and the tree went separate ways (a rewritten branch): nothing was changed
     */
    static void fastForward(RunContext run) throws StepFailure, IOException, GitAPIException {
        RemoteSync sync = run.remote();
        if (sync == null) {
            return;
        }
        Repository repo = run.git().repository();
        ObjectId base = run.base();
        ObjectId theirs;
        try {
            theirs = sync.fetch(repo);
        } catch (RemoteSync.Unreachable e) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, e.getMessage(), null);
        }
        switch (RemoteSync.position(repo, base, theirs)) {
            case BEHIND -> {
                log.info("domain {}: {} moved from {} to {}; the patch starts on the remote's head",
                        run.order().domain(), sync.remote().displayUrl(), base.name(), theirs.name());
                run.git().cleanTo(theirs);
                run.rebased(theirs);
            }
            case DIVERGED -> throw new StepFailure(FailureClass.INFRASTRUCTURE, "branch " + sync.remote().branch()
                    + " of " + sync.remote().displayUrl() + " (at " + theirs.name() + ") and the working tree (at "
                    + base.name() + ") went separate ways: the branch was rewritten, or the tree has commits the "
                    + "remote does not; patchbay never forces a push, so a person must bring them together", null);
            case SAME, AHEAD, NO_BRANCH -> { }
        }
    }

    /**
     * Pushes the run's commit. True when it is on the remote; false when somebody else pushed first:
     * the tree is then at the remote's head, the run's new base, for the steps to run again.
     *
     * @param round the push of this run, from 1
     * @throws StepFailure INFRASTRUCTURE when the remote cannot be reached or refuses, or the branch
     *     moved under every one of {@value #PUSH_ROUNDS} pushes; the tree is back at the run's base
     */
    static boolean push(RunContext run, int round) throws StepFailure, IOException, GitAPIException {
        RemoteSync sync = run.remote();
        Repository repo = run.git().repository();
        RevCommit commit = run.commit();
        run.enter("pushing to " + sync.remote().displayUrl());
        RemoteSync.Pushed pushed;
        try {
            pushed = sync.push(repo, commit);
        } catch (RemoteSync.Unreachable e) {
            undoCommit(run);
            throw new StepFailure(FailureClass.INFRASTRUCTURE, e.getMessage(), null);
        }
        if (pushed == RemoteSync.Pushed.PUSHED) {
            log.info("patch {} pushed as {} to {} ({})", run.order().patchId(), commit.name(),
                    sync.remote().displayUrl(), sync.remote().branch());
            run.pushed(sync.remote().displayUrl());
            return true;
        }
        ObjectId theirs;
        try {
            theirs = sync.fetch(repo);
        } catch (RemoteSync.Unreachable e) {
            undoCommit(run);
            throw new StepFailure(FailureClass.INFRASTRUCTURE, e.getMessage(), null);
        }
        if (round >= PUSH_ROUNDS) {
            undoCommit(run);
            List<String> both = theirs == null ? List.of()
                    : RemoteSync.changedBetween(repo, run.base(), theirs, run.touchedPaths());
            throw new StepFailure(FailureClass.INFRASTRUCTURE, "branch " + sync.remote().branch() + " of "
                    + sync.remote().displayUrl() + " moved under each of " + PUSH_ROUNDS + " pushes"
                    + (both.isEmpty() ? "" : "; files the patch and the pushes both changed: " + String.join(", ", both)),
                    null);
        }
        log.info("patch {}: somebody pushed to {} first (now at {}); applying it again on their commit, push {} of {}",
                run.order().patchId(), sync.remote().displayUrl(), theirs == null ? "nothing" : theirs.name(), round + 1,
                PUSH_ROUNDS);
        if (theirs == null) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, "branch " + sync.remote().branch() + " of "
                    + sync.remote().displayUrl() + " refused the push and then did not exist", null);
        }
        run.git().cleanTo(theirs);
        run.rebased(theirs);
        return false;
    }

    /**
     * A patch that does not apply on a base the remote moved to names the files it and the pushes both
     * changed: those are where the conflict is.
     */
    static StepFailure explain(RunContext run, StepFailure f) {
        ObjectId from = run.movedFrom();
        if (from == null || run.remote() == null || f.failureClass() != FailureClass.DOES_NOT_APPLY) {
            return f;
        }
        try {
            List<String> both = RemoteSync.changedBetween(run.git().repository(), from, run.base(),
                    run.touchedPaths());
            if (both.isEmpty()) {
                return f;
            }
            return new StepFailure(f.failureClass(), f.reason() + "; it conflicts with what was pushed to "
                    + run.remote().remote().displayUrl() + " since " + from.name() + ", in: " + String.join(", ", both),
                    f.detail());
        } catch (IOException | RuntimeException e) {
            log.warn("cannot tell which files of patch {} conflict with the remote: {}", run.order().patchId(),
                    e.toString());
            return f;
        }
    }

    /**
     * A patch found applied (the worker stopped between its commit and its report) is on the remote
     * too, or is pushed now; one that cannot be pushed as it is leaves the tree (HEAD back on its
     * parent) and the run fails INFRASTRUCTURE, so that the retry applies it again on the remote's head.
     */
    static void ensurePushed(RunContext run, RevCommit applied) throws StepFailure, IOException, GitAPIException {
        RemoteSync sync = run.remote();
        if (sync == null) {
            return;
        }
        Repository repo = run.git().repository();
        try {
            ObjectId theirs = sync.fetch(repo);
            RemoteSync.Position p = RemoteSync.position(repo, applied, theirs);
            if (p == RemoteSync.Position.SAME || p == RemoteSync.Position.BEHIND) {
                run.pushed(sync.remote().displayUrl());
                return;
            }
            if (applied.equals(run.base()) && sync.push(repo, applied) == RemoteSync.Pushed.PUSHED) {
                run.pushed(sync.remote().displayUrl());
                return;
            }
        } catch (RemoteSync.Unreachable e) {
            throw new StepFailure(FailureClass.INFRASTRUCTURE, e.getMessage(), null);
        }
        if (applied.equals(run.base()) && applied.getParentCount() > 0) {
            run.git().cleanTo(applied.getParent(0));
        }
        throw new StepFailure(FailureClass.INFRASTRUCTURE, "the patch's commit " + applied.name()
                + " is not on " + sync.remote().displayUrl() + " and somebody else pushed first; it was taken off"
                + " the working tree to be applied again on the remote's head", null);
    }

    /** The commit did not reach the remote: HEAD and the tree go back to the run's base. */
    private static void undoCommit(RunContext run) throws GitAPIException {
        run.git().cleanTo(run.base());
    }
}
