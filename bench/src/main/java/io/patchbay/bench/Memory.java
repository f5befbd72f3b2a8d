package io.patchbay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples this process's resident memory ({@code VmRSS} of {@code /proc/self/status}) and Java heap
 * in use, keeping the peaks, every {@value #PERIOD_MS} ms while it runs.
 */
final class Memory implements AutoCloseable {

    static final int PERIOD_MS = 100;

    record Sample(long rssBytes, long heapBytes) {
        static Sample now() {
            Runtime rt = Runtime.getRuntime();
            return new Sample(rss(), rt.totalMemory() - rt.freeMemory());
        }

        Sample max(Sample o) {
            return new Sample(Math.max(rssBytes, o.rssBytes), Math.max(heapBytes, o.heapBytes));
        }
    }

    private volatile Sample peak = Sample.now();
    private volatile boolean sampling = true;
    private final Thread sampler;

    Memory() {
        sampler = new Thread(() -> {
            while (sampling) {
                peak = peak.max(Sample.now());
                try {
                    Thread.sleep(PERIOD_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-memory");
        sampler.setDaemon(true);
        sampler.start();
    }

    Sample peak() {
        return peak;
    }

    /** VmRSS in bytes; -1 where /proc is not there (not Linux). */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        sampling = false;
        sampler.interrupt();
        sampler.join();
        peak = peak.max(Sample.now());
    }
}
