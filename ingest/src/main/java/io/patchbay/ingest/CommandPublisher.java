package io.patchbay.ingest;

import io.patchbay.contracts.command.Command;
import java.util.concurrent.CompletableFuture;

/**
 * Hands a command to the command log. Every ingest channel acknowledges a submission only after
 * {@link #publish} has returned, so an implementation must return only once the log has the command.
 */
@FunctionalInterface
public interface CommandPublisher extends AutoCloseable {

    /**
     * Blocks until the command log has acknowledged the command.
     *
     * @throws PublishException when it was not acknowledged; the caller must then treat the
     *     submission as not taken
     */
    void publish(Command command) throws PublishException;

    /**
     * Hands the command over without waiting, for a caller that keeps several in flight (the
     * spool draining a backlog). The result completes once the log has acknowledged the command,
     * or exceptionally with a {@link PublishException}; commands sent by one thread reach the log
     * in the order they were sent. This default publishes synchronously.
     */
    default CompletableFuture<Void> send(Command command) {
        try {
            publish(command);
            return CompletableFuture.completedFuture(null);
        } catch (PublishException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    default void close() {}
}
