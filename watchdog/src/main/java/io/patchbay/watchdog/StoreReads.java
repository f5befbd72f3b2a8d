package io.patchbay.watchdog;

import io.patchbay.contracts.view.Outcomes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads of the watchdog's stores shared by the fold (read-write stores) and the queries (read-only ones). */
final class StoreReads {

    private static final StringSerializer PREFIX = new StringSerializer();

    private StoreReads() {}

    /** Every entry of one domain in a {@code domain|...} keyed store, in key order. */
    static <V> List<KeyValue<String, V>> ofDomain(ReadOnlyKeyValueStore<String, V> store, String domain) {
        var out = new ArrayList<KeyValue<String, V>>();
        try (KeyValueIterator<String, V> it = store.prefixScan(StoreKeys.domainPrefix(domain), PREFIX)) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    /** The entries of a {@code domain|patchId → since millis} store, longest held first. */
    static List<KeyValue<String, Long>> longestHeld(ReadOnlyKeyValueStore<String, Long> store, String domain) {
        List<KeyValue<String, Long>> entries = ofDomain(store, domain);
        entries.sort(Comparator.<KeyValue<String, Long>>comparingLong(kv -> kv.value).thenComparing(kv -> kv.key));
        return entries;
    }

    /** The patch ids of a {@code domain|patchId → since millis} store, longest held first. */
    static List<String> heldLongest(ReadOnlyKeyValueStore<String, Long> store, String domain) {
        return longestHeld(store, domain).stream().map(kv -> StoreKeys.patchIdOf(domain, kv.key)).toList();
    }

    /** Visits a domain's outcomes in {@code [since, until)}, oldest first. */
    static void eachOutcome(ReadOnlyKeyValueStore<String, Outcome> store, String domain, Instant since, Instant until,
            Consumer<Outcome> visit) {
        if (!since.isBefore(until)) {
            return;
        }
        try (KeyValueIterator<String, Outcome> it = store.range(StoreKeys.timedFrom(domain, since.toEpochMilli()),
                StoreKeys.timedBefore(domain, until.toEpochMilli()))) {
            it.forEachRemaining(kv -> visit.accept(kv.value));
        }
    }

    static Outcomes outcomes(ReadOnlyKeyValueStore<String, Outcome> store, String domain, Instant since, Instant until) {
        var tally = new OutcomeTally(since, until);
        eachOutcome(store, domain, since, until, tally::add);
        return tally.outcomes();
    }
}
