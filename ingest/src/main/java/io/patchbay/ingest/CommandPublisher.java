package io.patchbay.ingest;

import io.patchbay.contracts.command.Command;

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

    @Override
    default void close() {}
}
