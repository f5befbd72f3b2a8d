package io.patchbay.app;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the event log as it grows (committed events only) and notes when each event was seen, so
 * that a test can wait for patches to end and tell how long faults held them up.
 */
final class EndWatch implements AutoCloseable {

    /** An event, and when it was read ({@link System#nanoTime()}). */
    record Seen(Event event, long atNanos) {}

    private final List<Seen> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean reading = new AtomicBoolean(true);
    private final Thread reader;

    /** Starts reading {@code patchbay.events} from the beginning, once the topic exists. */
    EndWatch(String bootstrapServers) {
        reader = new Thread(() -> {
            Map<String, Object> props = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
                List<TopicPartition> parts = List.of();
                while (reading.get() && parts.isEmpty()) {
                    // patchbay creates the topics when it starts; until then there is nothing to read.
                    parts = consumer.listTopics(Duration.ofSeconds(5)).getOrDefault(Topics.EVENTS, List.of()).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                while (reading.get()) {
                    long now = System.nanoTime();
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> log.add(new Seen(r.value(), now)));
                }
            }
        }, "end-watch");
        reader.setDaemon(true);
        reader.start();
    }

    /** Each patch id with its terminal events so far. */
    Map<String, List<Seen>> ended() {
        synchronized (log) {
            return log.stream().filter(s -> s.event().body().terminal())
                    .collect(Collectors.groupingBy(s -> s.event().patchId()));
        }
    }

    /** Milliseconds from {@code nanos} to the first patch end seen after it, or -1. */
    long firstEndAfter(long nanos) {
        synchronized (log) {
            return log.stream().filter(s -> s.event().body().terminal() && s.atNanos() > nanos)
                    .mapToLong(s -> (s.atNanos() - nanos) / 1_000_000).min().orElse(-1);
        }
    }

    /** The longest time in milliseconds between two patch ends (or {@code from}, {@code to}) in that span. */
    long longestPause(long from, long to) {
        List<Long> times;
        synchronized (log) {
            times = log.stream().filter(s -> s.event().body().terminal()).map(Seen::atNanos).sorted().toList();
        }
        long previous = from;
        long longest = 0;
        for (long t : times) {
            if (t < from || t > to) {
                continue;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, to - previous) / 1_000_000;
    }

    @Override
    public void close() throws InterruptedException {
        reading.set(false);
        reader.join(10_000);
    }
}
