package io.patchbay.executor.worker;

/**
 * A run that stopped because its worker may no longer own the order's domain. The tree is rolled
 * back and nothing is reported: the order is not finished, and its partition's owner runs it.
 */
public final class Fenced extends RuntimeException {

    public Fenced(String why) {
        super(why, null, false, false);
    }
}
