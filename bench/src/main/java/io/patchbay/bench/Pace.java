package io.patchbay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One series' pace: patches per second of wall time, and CPU time per patch. The CPU time is this
 * JVM's plus that of the processes it started and waited for (git, the shell loop), read from
 * {@code /proc}; on a machine shared with other work it moves much less than the wall time does, so
 * the two series can be compared even when the wall-time ratio swings from run to run.
 */
record Pace(double perSecond, double cpuMsPerPatch) {

    /** Clock ticks per second of {@code /proc/self/stat}'s times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    /** Marks the start of a series. */
    record Start(long wallNanos, long cpuNanos) {

        Pace end(int patches) {
            double seconds = (System.nanoTime() - wallNanos) / 1e9;
            return new Pace(patches / seconds, (Pace.cpuNanos() - cpuNanos) / 1e6 / patches);
        }
    }

    static Start start() {
        return new Start(System.nanoTime(), cpuNanos());
    }

    /** This JVM's CPU time and that of its waited-for children, or -1 where {@code /proc} is not there. */
    static long cpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long own = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14.
            long children = Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return own + (long) (children / TICKS_PER_SECOND * 1e9);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
