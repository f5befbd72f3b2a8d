package io.patchbay.executor.worker;

import java.nio.file.Path;

/** A separate process that takes a working tree's lock, says so, and holds it until it is killed. */
public final class HoldDomainLock {

    private HoldDomainLock() {}

    public static void main(String[] args) throws Exception {
        DomainLock lock = DomainLock.acquire(Path.of(args[0]), "main", "other-process", () -> false);
        System.out.println("held " + (lock != null));
        System.out.flush();
        new java.util.concurrent.CountDownLatch(1).await();
    }
}
