package io.patchbay.bench;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads {@code patchbay.events} from now on and notes when each patch reached its terminal event. */
final class TerminalEvents implements AutoCloseable {

    record End(String type, long nanos) {}

    private final Map<String, End> ends = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean reading = true;

    TerminalEvents(String bootstrap) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var consumer = new KafkaConsumer<>(cp, Topics.KEY.deserializer(), Topics.EVENT.deserializer());
        List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToEnd(parts);
        parts.forEach(consumer::position); // fixes "now" before the first patch is sent
        reader = new Thread(() -> {
            try (consumer) {
                while (reading) {
                    for (var rec : consumer.poll(Duration.ofMillis(20))) {
                        Event e = rec.value();
                        if (e != null && e.patchId() != null && e.body().terminal()) {
                            ends.putIfAbsent(e.patchId(), new End(e.type(), System.nanoTime()));
                        }
                    }
                }
            }
        }, "bench-terminal-events");
        reader.start();
    }

    End end(String patchId) {
        return ends.get(patchId);
    }

    /** Waits until every patch ended and returns when the last one did; a patch that did not succeed stops the measure. */
    long awaitAll(Collection<String> ids, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ids.stream().allMatch(ends::containsKey)) {
            if (System.nanoTime() > deadline) {
                long done = ids.stream().filter(ends::containsKey).count();
                throw new TimeoutException(done + " of " + ids.size() + " patches ended within " + timeout);
            }
            Thread.sleep(5);
        }
        long last = 0;
        for (String id : ids) {
            End e = ends.get(id);
            if (!"Succeeded".equals(e.type())) {
                throw new IllegalStateException("patch " + id + " ended " + e.type() + ", not Succeeded");
            }
            last = Math.max(last, e.nanos());
        }
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        reading = false;
        reader.join();
    }
}
