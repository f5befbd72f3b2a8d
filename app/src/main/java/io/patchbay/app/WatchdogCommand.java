package io.patchbay.app;

import java.util.EnumSet;
import java.util.Set;
import picocli.CommandLine.Command;

/** {@code patchbay watchdog}: the watchdog views with health and the read API, against a Kafka cluster. */
@Command(name = "watchdog", description = "Run the watchdog with health and the read API against --kafka-bootstrap.")
final class WatchdogCommand extends UpCommand {

    @Override
    Set<Role> roles() {
        return EnumSet.of(Role.WATCHDOG);
    }

    @Override
    boolean mayEmbedKafka() {
        return false;
    }
}
