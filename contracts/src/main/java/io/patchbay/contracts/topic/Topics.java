package io.patchbay.contracts.topic;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topic catalogue. Every topic but {@link #IDEMPOTENCY} is keyed by domain, so one domain's
 * records stay in one partition and in order, and the decider's inputs are co-partitioned.
 */
public final class Topics {

    public static final String COMMANDS = "patchbay.commands";
    public static final String EVENTS = "patchbay.events";
    public static final String WORK = "patchbay.work";
    public static final String RESULTS = "patchbay.results";
    public static final String ALERTS = "patchbay.alerts";
    /**
     * The answers given to {@code Idempotency-Key}s, keyed by channel, token and key: compacted, so
     * the latest answer per key stays, and deleted after a day, the longest a key is honoured.
     */
    public static final String IDEMPOTENCY = "patchbay.idempotency";

    /** All topics patchbay creates; they share one partition count so that joins stay co-partitioned. */
    public static final List<String> ALL = List.of(COMMANDS, EVENTS, WORK, RESULTS, ALERTS, IDEMPOTENCY);

    /** Settings a topic has beyond those every topic shares. */
    public static Map<String, String> ownConfig(String topic) {
        return IDEMPOTENCY.equals(topic)
                // Never compacted younger than a day: the first claim under a key must stay the first
                // one every reader sees for as long as the key is honoured.
                ? Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(Duration.ofDays(1).toMillis()),
                        "min.compaction.lag.ms", String.valueOf(Duration.ofDays(1).toMillis()))
                : Map.of();
    }

    public static final Serde<String> KEY = Serdes.String();
    public static final Serde<Command> COMMAND = JsonSerde.of(Command.class);
    public static final Serde<Event> EVENT = JsonSerde.of(Event.class);
    public static final Serde<WorkOrder> WORK_ORDER = JsonSerde.of(WorkOrder.class);
    public static final Serde<WorkResult> WORK_RESULT = JsonSerde.of(WorkResult.class);
    public static final Serde<Alert> ALERT = JsonSerde.of(Alert.class);

    private Topics() {}
}
