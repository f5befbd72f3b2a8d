package io.patchbay.executor.decider;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.JsonSerde;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.WorkOrder;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Measures a decision's records before they are written. A record over the limit would fail the
 * Streams task (a changelog write cannot be skipped), stopping every domain of the partition; found
 * here, it is turned into a decision that fits instead.
 */
final class RecordSizes {

    private final RecordLimits limits;
    private final Serializer<Event> events = Topics.EVENT.serializer();
    private final Serializer<WorkOrder> orders = Topics.WORK_ORDER.serializer();
    private final Serializer<PatchRecord> patches = JsonSerde.of(PatchRecord.class).serializer();
    private final Serializer<DomainState> domains = JsonSerde.of(DomainState.class).serializer();

    RecordSizes(RecordLimits limits) {
        this.limits = limits;
    }

    /** Why one of the decision's records is too large to write, or null when all fit. */
    String tooLarge(Transition tx) {
        for (Transition.Output out : tx.outputs()) {
            int size = out.value() instanceof Event e ? size(events.serialize(Topics.EVENTS, e))
                    : out.value() instanceof WorkOrder o ? size(orders.serialize(Topics.WORK, o)) : 0;
            String why = check(size, out.value().getClass().getSimpleName());
            if (why != null) {
                return why;
            }
        }
        for (Map.Entry<String, PatchRecord> e : tx.patchWrites().entrySet()) {
            String why = check(size(patches.serialize(DeciderTopology.PATCH_STORE, e.getValue())), "patch record");
            if (why != null) {
                return why;
            }
        }
        for (Map.Entry<String, DomainState> e : tx.domainWrites().entrySet()) {
            String why = check(size(domains.serialize(DeciderTopology.DOMAIN_STORE, e.getValue())), "domain state");
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private String check(int size, String what) {
        // The key and Kafka's record and batch headers take a little room beside the value.
        int room = limits.maxRecordBytes() - 1024;
        if (size <= room) {
            return null;
        }
        return "its " + what + " would be " + size + " bytes, over the " + room + " bytes a record may hold ("
                + RecordLimits.ENV + "=" + limits.maxRecordBytes() + "); submit a smaller patch";
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }
}
