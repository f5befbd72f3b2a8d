package io.patchbay.ingest;

import io.patchbay.contracts.command.Command;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A command log in a file, one patch id a line, for tests that kill the process: a line is written
 * before its command is acknowledged, on a thread of its own as a producer's network thread would,
 * a round trip after the send, so that several commands are in flight at once.
 */
final class LogFilePublisher implements CommandPublisher {

    private final Path log;
    private final Duration roundTrip;
    /** One thread and one delay for all: lines are written in the order they were sent. */
    private final ScheduledExecutorService io = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "log-file-publisher");
        t.setDaemon(true);
        return t;
    });

    LogFilePublisher(Path log, Duration roundTrip) {
        this.log = log;
        this.roundTrip = roundTrip;
    }

    @Override
    public void publish(Command command) throws PublishException {
        try {
            send(command).get();
        } catch (ExecutionException e) {
            throw new PublishException("not logged: " + e.getCause(), true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", true, e);
        }
    }

    @Override
    public CompletableFuture<Void> send(Command command) {
        var ack = new CompletableFuture<Void>();
        io.schedule(() -> {
            try {
                Files.writeString(log, command.patchId() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                ack.complete(null);
            } catch (IOException e) {
                ack.completeExceptionally(new UncheckedIOException(e));
            }
        }, roundTrip.toNanos(), TimeUnit.NANOSECONDS);
        return ack;
    }

    /** The patch ids logged so far, in order; a line cut short by a kill is left out. */
    static List<String> read(Path log) throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        List<String> lines = List.of(text.split("\n"));
        return text.endsWith("\n") ? lines : lines.subList(0, lines.size() - 1);
    }

    @Override
    public void close() {
        io.shutdown();
    }
}
