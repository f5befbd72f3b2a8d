package io.patchbay.executor.worker;

/** A cancel was seen between two steps of a run, or between two commands or gates of one step. */
final class RunStopped extends Exception {

    private static final long serialVersionUID = 1L;
}
