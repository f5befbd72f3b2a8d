package io.patchbay.executor.decider;

import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.contracts.topic.JsonSerde;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.time.Clock;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The decider as a topology: commands and results of a domain meet in one processor that owns
 * the domain's state and is the only writer of {@link Topics#EVENTS} and {@link Topics#WORK}.
 */
public final class DeciderTopology {

    public static final String DOMAIN_STORE = "decider-domains";
    public static final String PATCH_STORE = "decider-patches";
    public static final String WORKSPACE_STORE = "decider-workspaces";

    static final String COMMANDS_SOURCE = "commands";
    static final String RESULTS_SOURCE = "results";
    static final String PROCESSOR = "decider";
    static final String EVENTS_SINK = "events";
    static final String WORK_SINK = "work";

    /**
     * How many run orders of one domain are out at once by default: enough that the worker goes
     * from one patch to the next without waiting for the decider's commit in between, few enough
     * that a failure recalls little.
     */
    public static final int DEFAULT_WINDOW = 16;

    private DeciderTopology() {}

    /**
     * @param contract read on every verdict, so a reloaded contract applies to the next submission
     * @param clock    the time of events, verdicts and retry holds
     */
    public static Topology build(Supplier<ExecutionContract> contract, Clock clock) {
        return build(contract, clock, SandboxStatus.AVAILABLE, RecordLimits.DEFAULT);
    }

    /**
     * @param sandbox whether the executor can sandbox commands; where it cannot, patches that start
     *                processes in a domain that asks for the sandbox are rejected
     */
    public static Topology build(Supplier<ExecutionContract> contract, Clock clock, SandboxStatus sandbox) {
        return build(contract, clock, sandbox, RecordLimits.DEFAULT);
    }

    /**
     * @param limits no decision writes a record larger than these allow; one that would is turned
     *     into a rejection (or a failure) that fits
     */
    public static Topology build(Supplier<ExecutionContract> contract, Clock clock, RecordLimits limits) {
        return build(contract, clock, SandboxStatus.AVAILABLE, limits);
    }

    /** The decider with what the executor found about its sandbox and the record limits it writes within. */
    public static Topology build(Supplier<ExecutionContract> contract, Clock clock, SandboxStatus sandbox,
            RecordLimits limits) {
        return build(contract, clock, sandbox, limits, DEFAULT_WINDOW);
    }

    /**
     * @param window how many run orders of one domain may be out at the worker at once; 1 dispatches
     *     each patch only after the one before it ended
     */
    public static Topology build(Supplier<ExecutionContract> contract, Clock clock, SandboxStatus sandbox,
            RecordLimits limits, int window) {
        Topology t = new Topology();
        t.addSource(COMMANDS_SOURCE, Topics.KEY.deserializer(), Topics.COMMAND.deserializer(), Topics.COMMANDS);
        t.addSource(RESULTS_SOURCE, Topics.KEY.deserializer(), Topics.WORK_RESULT.deserializer(), Topics.RESULTS);
        t.addProcessor(PROCESSOR, () -> new DeciderProcessor(contract, clock, sandbox, limits, window), COMMANDS_SOURCE,
                RESULTS_SOURCE);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DOMAIN_STORE), Serdes.String(),
                JsonSerde.of(DomainState.class)), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATCH_STORE), Serdes.String(),
                JsonSerde.of(PatchRecord.class)), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WORKSPACE_STORE), Serdes.String(),
                JsonSerde.of(WorkspaceState.class)), PROCESSOR);
        t.addSink(EVENTS_SINK, Topics.EVENTS, Topics.KEY.serializer(), Topics.EVENT.serializer(), PROCESSOR);
        t.addSink(WORK_SINK, Topics.WORK, Topics.KEY.serializer(), Topics.WORK_ORDER.serializer(), PROCESSOR);
        return t;
    }
}
