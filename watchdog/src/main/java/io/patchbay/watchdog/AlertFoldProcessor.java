package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import java.time.Duration;
import java.util.ArrayList;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds {@code patchbay.alerts} into the alerts view: the recent alerts of each domain, and the SLA
 * limits each domain breaches now (an SlaBreached not yet followed by an SlaRecovered of the same
 * limit). Whoever wrote an alert, the watchdog's check or another service, it shows here.
 */
final class AlertFoldProcessor implements Processor<String, Alert, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(AlertFoldProcessor.class);

    /** How long alerts are kept for listings and digests. */
    static final Duration RETENTION = Duration.ofDays(8);

    private KeyValueStore<String, Alert> recent;
    private KeyValueStore<String, Alert> open;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        recent = context.getStateStore(WatchdogTopology.ALERTS);
        open = context.getStateStore(WatchdogTopology.OPEN_BREACHES);
    }

    @Override
    public void process(Record<String, Alert> record) {
        Alert a = record.value();
        if (a == null || a.domain() == null || a.at() == null) {
            log.warn("skipping an alert without domain or time at key {}", record.key());
            return;
        }
        long at = a.at().toEpochMilli();
        // Keyed by content, so a redelivered alert lands on itself instead of listing twice.
        recent.put(StoreKeys.timed(a.domain(), at, Json.sha256Hex(Json.canonical(a)).substring(0, 16)), a);
        String limitKey = StoreKeys.patch(a.domain(), Alerts.limitName(a.limit()));
        if (Alerts.SLA_BREACHED.equals(a.kind())) {
            open.put(limitKey, a);
        } else if (Alerts.SLA_RECOVERED.equals(a.kind())) {
            open.delete(limitKey);
        }
        prune(a.domain(), at - RETENTION.toMillis());
    }

    private void prune(String domain, long cutoff) {
        var expired = new ArrayList<String>();
        try (KeyValueIterator<String, Alert> it =
                recent.range(StoreKeys.domainPrefix(domain), StoreKeys.timedBefore(domain, cutoff))) {
            it.forEachRemaining(kv -> expired.add(kv.key));
        }
        expired.forEach(recent::delete);
    }
}
