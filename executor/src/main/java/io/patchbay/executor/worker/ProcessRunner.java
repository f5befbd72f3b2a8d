package io.patchbay.executor.worker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command of a patch as a real process: argv only (no shell in between), a scrubbed
 * environment, stdin closed, stdout and stderr merged and kept to a bounded tail, and on timeout
 * the whole process tree killed.
 */
public final class ProcessRunner {

    private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);
    private static final File NO_INPUT = new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
    /** How long the output reader may lag behind an exited process before its pipe is closed on it. */
    private static final long DRAIN_MS = 2_000;

    /** The outcome of one process. {@code exitCode} is -1 when it did not start or was killed. */
    public record Outcome(int exitCode, boolean timedOut, String outputTail, long durationMs) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }

    private ProcessRunner() {}

    /**
     * Runs {@code argv} in {@code dir} with exactly {@code env} as its environment.
     *
     * @throws InterruptedException when the calling thread is interrupted; the process tree is killed first
     */
    public static Outcome run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, int outputBytes)
            throws InterruptedException {
        return run(argv, dir, env, timeout, outputBytes, Cancellation.none());
    }

    /**
     * As {@link #run(List, Path, Map, Duration, int)}; while the process runs, throwing
     * {@code cancellation} kills its tree, and the outcome is that of a killed process.
     */
    public static Outcome run(List<String> argv, Path dir, Map<String, String> env, Duration timeout, int outputBytes,
            Cancellation cancellation) throws InterruptedException {
        long t0 = System.nanoTime();
        var tail = new OutputTail(outputBytes);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            tail.write(("cannot start " + argv.get(0) + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            return new Outcome(-1, false, tail.text(), millisSince(t0));
        }
        Thread reader = new Thread(() -> drain(process.getInputStream(), tail), "patchbay-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        boolean exited;
        cancellation.watch(process.toHandle());
        try {
            exited = process.waitFor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process.toHandle());
            closeQuietly(process.getInputStream());
            throw e;
        } finally {
            cancellation.unwatch();
        }
        if (!exited) {
            log.warn("{} ran past its timeout of {}; killing its process tree", argv, timeout);
            killTree(process.toHandle());
            process.waitFor(5, TimeUnit.SECONDS);
        }
        reader.join(DRAIN_MS);
        if (reader.isAlive()) {
            // A leftover grandchild still holds the pipe open; what was read so far is the output.
            closeQuietly(process.getInputStream());
            reader.join(DRAIN_MS);
        }
        int code = exited ? process.exitValue() : -1;
        return new Outcome(code, !exited, tail.text(), millisSince(t0));
    }

    /**
     * Kills a process and everything it started. The descendants are listed before the root dies,
     * because once it is gone they are re-parented and can no longer be found through it.
     */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = root.descendants().toList();
        root.destroyForcibly();
        for (ProcessHandle h : tree) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
    }

    private static void drain(InputStream in, OutputTail tail) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                tail.write(buf, 0, n);
            }
        } catch (IOException e) {
            // The pipe was closed under us after a kill or a drain timeout: the tail so far is kept.
            log.debug("output pipe closed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            log.debug("closing an output pipe: {}", e.getMessage());
        }
    }

    private static long millisSince(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** The last {@code limit} bytes written, and how many came before them. */
    static final class OutputTail {
        private final byte[] ring;
        private long total;

        OutputTail(int limit) {
            this.ring = new byte[Math.max(1, limit)];
        }

        synchronized void write(byte[] b) {
            write(b, 0, b.length);
        }

        synchronized void write(byte[] b, int off, int len) {
            for (int i = 0; i < len; i++) {
                ring[(int) (total % ring.length)] = b[off + i];
                total++;
            }
        }

        synchronized String text() {
            int kept = (int) Math.min(total, ring.length);
            byte[] out = new byte[kept];
            int start = (int) ((total - kept) % ring.length);
            for (int i = 0; i < kept; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            String s = new String(out, StandardCharsets.UTF_8);
            return total > kept ? "[" + (total - kept) + " earlier bytes not kept]\n" + s : s;
        }
    }
}
