package io.patchbay.executor.worker;

/**
 * The stop switch of one run of one order, thrown from the worker's poll thread when a cancel order
 * comes in. It kills the process the run is waiting on (with its whole tree), and the run, seeing
 * the switch at its next step, rolls the working tree back and reports the patch as cancelled.
 * Once the run has begun to commit, the switch no longer moves: a landed patch is never undone.
 *
 * <p>The process is killed rather than the run's thread interrupted, because an interrupt that hits
 * a file channel in the middle of a git operation closes it under JGit.
 */
public final class Cancellation {

    private enum State { RUNNING, CANCELLED, COMMITTING }

    private State state = State.RUNNING;
    private ProcessHandle process;

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
            if (process != null) {
                ProcessRunner.killTree(process);
            }
        }
        return true;
    }

    public synchronized boolean cancelled() {
        return state == State.CANCELLED;
    }

    /** The run is about to commit: from now on a cancel is refused. False when a cancel came first. */
    synchronized boolean beginCommit() {
        if (state == State.CANCELLED) {
            return false;
        }
        state = State.COMMITTING;
        return true;
    }

    /** The run now waits on {@code p}; a cancel kills it. One that came already kills it at once. */
    synchronized void watch(ProcessHandle p) {
        if (state == State.CANCELLED) {
            ProcessRunner.killTree(p);
        } else {
            process = p;
        }
    }

    synchronized void unwatch() {
        process = null;
    }
}
