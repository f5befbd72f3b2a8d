package io.patchbay.executor.worker;

import java.util.function.Supplier;

/**
 * The stop switch of one run of one order. Thrown from the worker's poll thread when a cancel order
 * comes in, it kills the process the run is waiting on (with its whole tree), and the run, seeing
 * the switch at its next step, rolls the working tree back and reports the patch as cancelled.
 * Once the run has begun to commit, the switch no longer moves: a landed patch is never undone.
 *
 * <p>The same switch fences a worker that may no longer own the order's domain: its partition was
 * revoked, or the worker was paused or cut off for so long that the group may have given the
 * partition to another ({@code staleness} names why). A fenced run stops like a cancelled one,
 * rolls back and reports nothing ({@link Fenced}): the order is not finished, and its new owner
 * runs it.
 *
 * <p>The process is killed rather than the run's thread interrupted, because an interrupt that hits
 * a file channel in the middle of a git operation closes it under JGit.
 */
public final class Cancellation {

    private enum State { RUNNING, CANCELLED, FENCED, COMMITTING }

    private final Supplier<String> staleness;
    private State state = State.RUNNING;
    private String fencedBecause;
    private ProcessHandle process;

    /**
     * @param staleness asked before each step: why this worker may no longer own the order, or null
     *     while it does
     */
    Cancellation(Supplier<String> staleness) {
        this.staleness = staleness;
    }

    public Cancellation() {
        this(() -> null);
    }

    /** A switch nobody throws: the order runs to its end. */
    public static Cancellation none() {
        return new Cancellation();
    }

    /**
     * Asks the run to stop. Returns false when it is too late: the run has begun to commit, and it
     * will report its success.
     */
    public synchronized boolean cancel() {
        if (state == State.COMMITTING) {
            return false;
        }
        if (state == State.RUNNING) {
            state = State.CANCELLED;
            killWatched();
        }
        return true;
    }

    /**
     * Stops the run because this worker no longer owns its domain. False when it is too late: the
     * run has begun to commit, which it finishes (holding the domain's lock), and reports.
     */
    public synchronized boolean fence(String why) {
        if (state == State.COMMITTING) {
            return false;
        }
        if (state == State.RUNNING) {
            state = State.FENCED;
            fencedBecause = why;
            killWatched();
        }
        return true;
    }

    /** Whether the run is to stop, cancelled or fenced. */
    public synchronized boolean cancelled() {
        checkStale();
        return state == State.CANCELLED || state == State.FENCED;
    }

    /** Why the run was fenced, or null when it was not. */
    public synchronized String fenced() {
        checkStale();
        return state == State.FENCED ? fencedBecause : null;
    }

    /** The run is about to commit: from now on a cancel is refused. False when a cancel or a fence came first. */
    synchronized boolean beginCommit() {
        checkStale();
        if (state == State.CANCELLED || state == State.FENCED) {
            return false;
        }
        state = State.COMMITTING;
        return true;
    }

    /** The run now waits on {@code p}; a cancel kills it. One that came already kills it at once. */
    synchronized void watch(ProcessHandle p) {
        if (state == State.CANCELLED || state == State.FENCED) {
            ProcessRunner.killTree(p);
        } else {
            process = p;
        }
    }

    synchronized void unwatch() {
        process = null;
    }

    private void checkStale() {
        if (state != State.RUNNING) {
            return;
        }
        String why = staleness.get();
        if (why != null) {
            state = State.FENCED;
            fencedBecause = why;
            killWatched();
        }
    }

    private void killWatched() {
        if (process != null) {
            ProcessRunner.killTree(process);
        }
    }
}
