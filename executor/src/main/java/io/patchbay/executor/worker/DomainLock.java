package io.patchbay.executor.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker at a time on a domain's working tree: an exclusive lock on a file in the tree's git
 * folder, held for a whole order, from the first look at the tree to the last write.
 *
 * <p>The consumer group alone cannot promise this: a worker that lost its partition (a rebalance,
 * a session that expired while the process was paused or cut off from the broker) still runs what
 * it started until it notices, while the new owner starts the same domain. The lock is the
 * operating system's, so it holds across threads, processes and every machine that shares the
 * folder, and a holder that dies releases it with its last file descriptor. A holder that is paused
 * keeps it: the next worker waits, and acts only once the stale one has stopped, which it does at
 * its next step ({@link Cancellation#fence}).
 *
 * <p>The file is named without git's {@code .lock} suffix, so {@link GitWorkspace#removeStaleLocks}
 * never takes it for a lock an interrupted git command left behind. It says who holds it, for the
 * log of whoever waits.
 */
final class DomainLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DomainLock.class);

    /** The lock's file, in the tree's git folder. */
    static final String FILE = "patchbay-lease";
    /** How often a waiting worker tries again, and how often it says whom it waits for. */
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    private static final Duration SAY_EVERY = Duration.ofSeconds(10);
    private static final long PID = ManagementFactory.getRuntimeMXBean().getPid();

    /**
     * Set to {@code off} only to show what the fence prevents: the rebalance test runs once without
     * it and must fail. Never set it where patches run for real.
     */
    static final String SWITCH = "PATCHBAY_WORKER_FENCE";

    private final FileChannel channel;
    private final FileLock lock;
    private final String domain;
    private final String holder;

    private DomainLock(FileChannel channel, FileLock lock, String domain, String holder) {
        this.channel = channel;
        this.lock = lock;
        this.domain = domain;
        this.holder = holder;
        // With the wall clock in microseconds and the pid, the logs of all workers show who held which
        // tree when: the rebalance test reads these lines to prove no two runs of a domain overlapped.
        log.info("domain {}: tree taken by {} pid {} at {} us", domain, holder, PID, micros());
    }

    /** What stops a wait for the lock: the order was cancelled or its worker fenced. */
    @FunctionalInterface
    interface Abandon {
        boolean now();
    }

    /**
     * Waits for the lock of the tree whose git folder is {@code gitDir} and takes it.
     *
     * @param holder names this worker in the lock file, for whoever waits next
     * @param abandon asked while waiting; when it says so the wait ends without the lock
     * @return the lock, or null when the wait was abandoned
     * @throws InterruptedException when the worker shuts down while waiting
     */
    static DomainLock acquire(Path gitDir, String domain, String holder, Abandon abandon)
            throws IOException, InterruptedException {
        if (switchedOff()) {
            return new DomainLock(null, null, domain, holder);
        }
        Path file = gitDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long began = System.nanoTime();
            long sayAt = began + SAY_EVERY.toNanos();
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    say(channel, holder);
                    long waited = System.nanoTime() - began;
                    if (waited > SAY_EVERY.toNanos()) {
                        log.info("domain {}: its working tree is free again after {} s", domain,
                                TimeUnit.NANOSECONDS.toSeconds(waited));
                    }
                    return new DomainLock(channel, lock, domain, holder);
                }
                if (abandon.now()) {
                    channel.close();
                    return null;
                }
                long now = System.nanoTime();
                if (now >= sayAt) {
                    log.warn("domain {}: waiting {} s for its working tree, which another worker holds ({})", domain,
                            TimeUnit.NANOSECONDS.toSeconds(now - began), holderOf(file));
                    sayAt = now + SAY_EVERY.toNanos();
                }
                LockSupport.parkNanos(RETRY_NANOS);
                if (Thread.interrupted()) {
                    throw new InterruptedException("stopped while waiting for the working tree of " + domain);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Null while another thread of this JVM, or another process, holds it. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held by another thread of this very JVM: the operating system cannot tell the two apart.
            return null;
        }
    }

    private static void say(FileChannel channel, String holder) throws IOException {
        String line = holder + " (pid " + PID + ") since " + Instant.now() + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
    }

    /** Who holds the lock, as its holder wrote it; the file may be mid-write, so this is for the log only. */
    static String holderOf(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "unnamed" : s;
        } catch (IOException | RuntimeException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /** Whether the fence is switched off ({@value #SWITCH}{@code =off}), for the test that shows it is needed. */
    static boolean switchedOff() {
        return "off".equals(System.getenv(SWITCH));
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        // Said while still held, so that it comes before the next holder's "taken" on any clock.
        log.info("domain {}: tree released by {} pid {} at {} us", domain, holder, PID, micros());
        if (lock == null) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            log.warn("releasing the working tree lock: {}", e.getMessage());
        } finally {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("closing the working tree lock: {}", e.getMessage());
        }
    }
}
