package io.patchbay.executor.worker;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds a test's processes by a marker in their arguments. A sandboxed command lives in its own PID
 * namespace, so the pid it reports of itself means nothing outside; its command line does.
 */
final class Processes {

    private Processes() {}

    /** A duration for {@code sleep} that no other process on the machine is running with: {@code seconds.NNNNNNNNN}. */
    static String uniqueSleep(int seconds) {
        return seconds + "." + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
    }

    /** The live processes whose arguments include {@code marker}. */
    static List<ProcessHandle> withArgument(String marker) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(args -> List.of(args).contains(marker)).orElse(false))
                .filter(ProcessHandle::isAlive)
                .toList();
    }
}
