package io.patchbay.app;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code patchbay executor}: the decider and the worker alone, against a Kafka cluster. */
@Command(name = "executor", description = "Run the executor (decider and worker) against --kafka-bootstrap.")
final class ExecutorCommand extends UpCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.EXECUTOR);
    }

    @Override
    boolean mayEmbedKafka() {
        return false;
    }
}
