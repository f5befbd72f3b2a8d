package io.patchbay.ingest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A spool watcher alone in a process, draining {@code args[0]} into the log file {@code args[1]} until it is killed. */
public final class SpoolKillChild {

    private SpoolKillChild() {}

    public static void main(String[] args) throws InterruptedException {
        var config = SpoolWatcher.Config.of(Path.of(args[0]), List.of("main")).withPollInterval(Duration.ofMillis(20));
        var watcher = new SpoolWatcher(config, new LogFilePublisher(Path.of(args[1]), Duration.ofMillis(20)));
        watcher.start();
        new CountDownLatch(1).await();
    }
}
