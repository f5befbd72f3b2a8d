package io.patchbay.bench;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.topic.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.HashSet;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes synthetic but valid patch lives (Submitted, Accepted, Queued, Dispatched, Started,
 * Succeeded), hash-chained per domain the way the decider chains them, straight to
 * {@code patchbay.events}. The domains are chosen so that every partition holds one: once the
 * views show each domain's last event, they have read every partition to its end.
 */
final class EventFlood {

    static final int LIFE = 6;
    private static final Submitter BENCH = Submitter.http("bench");

    private final Map<String, Event> heads = new LinkedHashMap<>();
    private final String bootstrap;
    private Instant at = Instant.parse("2026-01-01T00:00:00Z");
    private long patches;

    EventFlood(String bootstrap, int partitions) {
        this.bootstrap = bootstrap;
        Set<Integer> covered = new HashSet<>();
        for (int i = 0; heads.size() < 10 || covered.size() < partitions; i++) {
            String domain = "synth-" + i;
            int partition = Utils.toPositive(Utils.murmur2(Topics.KEY.serializer().serialize(Topics.EVENTS, domain)))
                    % partitions;
            if (heads.size() < 10 || covered.add(partition)) {
                covered.add(partition);
                heads.put(domain, null);
            }
        }
    }

    /** The last seq written per synthetic domain. */
    Map<String, Long> lastSeqs() {
        Map<String, Long> seqs = new HashMap<>();
        heads.forEach((d, e) -> seqs.put(d, e == null ? 0 : e.seq()));
        return seqs;
    }

    /** Appends about {@code count} events (whole patch lives, round robin over the domains). */
    void write(long count) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        pp.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        pp.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        List<String> domains = new ArrayList<>(heads.keySet());
        try (var producer = new KafkaProducer<>(pp, Topics.KEY.serializer(), Topics.EVENT.serializer())) {
            for (long written = 0; written < count; written += LIFE) {
                String domain = domains.get((int) (patches % domains.size()));
                String id = "synth-" + patches++;
                Patch patch = new Patch(id, domain, "synthetic " + id, null, "bench", (String) null,
                        List.of(FileChange.write("synth/" + id + ".txt", id + "\n")), null, null, null);
                for (EventBody body : List.of(new EventBody.Submitted(patch, BENCH),
                        new EventBody.Accepted("bench.1", "c0ffee"), new EventBody.Queued(1),
                        new EventBody.Dispatched(1), new EventBody.Started(1, "bench", "0123456789ab"),
                        new EventBody.Succeeded(1, "ba5eba11", List.of("synth/" + id + ".txt"), List.of(), null, null,
                                12))) {
                    producer.send(new ProducerRecord<>(Topics.EVENTS, domain, next(domain, id, body)), (m, e) -> {
                        if (e != null) {
                            System.err.println("a synthetic event was not written: " + e);
                        }
                    });
                }
            }
            producer.flush();
        }
    }

    private Event next(String domain, String patchId, EventBody body) {
        Event prev = heads.get(domain);
        at = at.plusMillis(1);
        Event e = HashChain.seal(new Event(domain, prev == null ? 1 : prev.seq() + 1, patchId, at, body, null, null),
                prev == null ? HashChain.GENESIS : prev.hash());
        heads.put(domain, e);
        return e;
    }
}
