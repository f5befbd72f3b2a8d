package io.patchbay.app;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The event log read whole, in log order (partition by partition, which keeps each domain in
 * order), and its copy as JSON lines, one event a line, for audits and archives.
 */
final class EventLog {

    private EventLog() {}

    /** Every committed event on {@code patchbay.events}, read from the beginning to the current end. */
    static List<Event> read(String bootstrapServers, Duration timeout) throws TimeoutException {
        return read(bootstrapServers, timeout, (done, total) -> { });
    }

    /** Reports how many records are read so far of how many there are to read. */
    interface Listener {
        void at(long done, long total);
    }

    /** As {@link #read(String, Duration)}, telling {@code progress} as records arrive. */
    static List<Event> read(String bootstrapServers, Duration timeout, Listener progress) throws TimeoutException {
        // An unreadable record is itself a finding of the audit: keep its place with a null.
        return readTopic(bootstrapServers, Topics.EVENTS, EventLog::decode, timeout, progress);
    }

    /**
     * Every committed record of a topic, in log order (partition by partition, each in offset order),
     * read from the beginning to the end the topic had when reading started.
     */
    static <V> List<V> readTopic(String bootstrapServers, String topic, Function<byte[], V> decode, Duration timeout)
            throws TimeoutException {
        return readTopic(bootstrapServers, topic, decode, timeout, (done, total) -> { });
    }

    static <V> List<V> readTopic(String bootstrapServers, String topic, Function<byte[], V> decode, Duration timeout,
            Listener progress) throws TimeoutException {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
            // Transaction markers take offsets too: the total is an upper bound, reached at the end.
            long total = parts.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(topic + " was not read to its end within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                progress.at(records.size(), total);
            }
            records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            List<V> values = new ArrayList<>(records.size());
            records.forEach(r -> values.add(decode.apply(r.value())));
            return values;
        }
    }

    private static Event decode(byte[] value) {
        try {
            return value == null ? null : Json.read(value, Event.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static void writeJsonLines(List<Event> events, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Event e : events) {
                w.write(e == null ? "null" : Json.canonical(e));
                w.newLine();
            }
        }
    }

    static List<Event> readJsonLines(Path file) throws IOException {
        return readJsonLines(file, (done, total) -> { });
    }

    static List<Event> readJsonLines(Path file, Listener progress) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank()) {
                events.add(decode(line.getBytes(StandardCharsets.UTF_8)));
            }
            progress.at(i + 1, lines.size());
        }
        return events;
    }
}
