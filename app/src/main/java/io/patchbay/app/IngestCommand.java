package io.patchbay.app;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code patchbay ingest}: the HTTP inbox and the spool watcher, against a Kafka cluster. */
@Command(name = "ingest", description = "Run the HTTP inbox and the spool watcher against --kafka-bootstrap.")
final class IngestCommand extends UpCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.INGEST);
    }

    @Override
    boolean mayEmbedKafka() {
        return false;
    }
}
