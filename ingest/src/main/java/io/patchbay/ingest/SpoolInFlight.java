package io.patchbay.ingest;

import io.patchbay.contracts.patch.Patch;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The spool's files whose Submit is on its way to Kafka, in the order they were sent. Waiting for
 * each acknowledgement before the next send would pace a backlog at one broker round trip per
 * file; keeping several in flight lets the producer batch them. The window is bounded in files
 * and in bytes, so a backlog of large patches holds no more than {@link #MAX_BYTES} in memory
 * (one file is always let through, whatever its size).
 */
final class SpoolInFlight {

    static final int MAX_FILES = 128;
    static final long MAX_BYTES = 16L * 1024 * 1024;

    /**
     * A file in processing/ whose command was handed to the publisher.
     *
     * @param sentAt {@link System#nanoTime()} of the send, from which its acknowledgement is awaited
     */
    record Sent(String domain, Path file, Patch patch, int bytes, CompletableFuture<Void> ack, long sentAt) {}

    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private final int maxFiles;
    private final long maxBytes;
    private long bytes;

    SpoolInFlight() {
        this(MAX_FILES, MAX_BYTES);
    }

    SpoolInFlight(int maxFiles, long maxBytes) {
        this.maxFiles = maxFiles;
        this.maxBytes = maxBytes;
    }

    void add(Sent s) {
        sent.addLast(s);
        bytes += s.bytes();
    }

    /** True when a file of {@code nextBytes} may not be sent before the oldest is settled. */
    boolean full(int nextBytes) {
        return !sent.isEmpty() && (sent.size() >= maxFiles || bytes + nextBytes > maxBytes);
    }

    boolean isEmpty() {
        return sent.isEmpty();
    }

    /** The oldest file, once its acknowledgement (or failure) is in; null otherwise. */
    Sent oldestIfDone() {
        Sent s = sent.peekFirst();
        return s != null && s.ack().isDone() ? s : null;
    }

    /** Removes and returns the oldest file; files are settled strictly in the order they were sent. */
    Sent removeOldest() {
        Sent s = sent.removeFirst();
        bytes -= s.bytes();
        return s;
    }
}
