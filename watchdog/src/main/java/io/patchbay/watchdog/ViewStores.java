package io.patchbay.watchdog;

import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.PatchView;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/** The stores the event fold writes, looked up once when its processor starts. */
record ViewStores(
        KeyValueStore<String, PatchView> patches,
        KeyValueStore<String, DomainView> domains,
        KeyValueStore<String, String> index,
        KeyValueStore<String, Long> pendingSince,
        KeyValueStore<String, Long> inFlightSince,
        KeyValueStore<String, Long> quarantine,
        KeyValueStore<String, Outcome> outcomes,
        KeyValueStore<String, Freeze> freezes,
        KeyValueStore<String, Long> sla) {

    static ViewStores of(ProcessorContext<?, ?> context) {
        return new ViewStores(
                context.getStateStore(WatchdogTopology.PATCHES),
                context.getStateStore(WatchdogTopology.DOMAINS),
                context.getStateStore(WatchdogTopology.INDEX),
                context.getStateStore(WatchdogTopology.PENDING_SINCE),
                context.getStateStore(WatchdogTopology.IN_FLIGHT_SINCE),
                context.getStateStore(WatchdogTopology.QUARANTINE),
                context.getStateStore(WatchdogTopology.OUTCOMES),
                context.getStateStore(WatchdogTopology.FREEZES),
                context.getStateStore(WatchdogTopology.SLA_STATE));
    }
}
