package io.patchbay.app;

import io.patchbay.health.GroupProgress.Offsets;
import io.patchbay.health.GroupProgress.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples consumer groups' offsets with one admin client: each group's committed offsets, and for
 * each of its input partitions the log start, the last stable offset (where a {@code read_committed}
 * reader stops) and the high watermark.
 *
 * <p>A group that has processed everything may still sit below the last stable offset: a plain
 * consumer commits the offset after its last record, and the transaction's commit marker lies
 * behind it (the worker reads {@code patchbay.work}, which the decider writes in transactions).
 * So where a group sits below the stable end at the same offset as in its previous sample, the
 * sampler looks: a {@code read_committed} consumer reads from the group's position, and if it
 * reaches the stable end without a record, the gap holds only markers and aborted records.
 */
final class OffsetSampler implements AutoCloseable {

    /** A consumer group whose progress is watched: the service it is, and the topics it reads. */
    record Watched(String service, String group, List<String> topics) {
        Watched {
            topics = List.copyOf(topics);
        }
    }

    /** A gap looked into: what was found stays true while the group's position and the stable end stay. */
    private record Gap(TopicPartition partition, long position, long stableEnd) {}

    private static final Logger LOG = LoggerFactory.getLogger(OffsetSampler.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Admin admin;
    private final Consumer<byte[], byte[]> reader;
    private final Duration timeout;
    /** Each group's position per partition at its previous sample. */
    private final Map<String, Map<TopicPartition, Long>> previous = new HashMap<>();
    private Map<Gap, Boolean> looked = new HashMap<>();

    OffsetSampler(String bootstrapServers, Duration timeout) {
        this.timeout = timeout;
        String ms = String.valueOf(timeout.toMillis());
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "patchbay-progress",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000"));
        this.reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "patchbay-progress-reader",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // One batch per partition is enough to tell a record from none; a larger first batch still comes whole.
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "65536",
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** One sample per group at {@code at}: its offsets, or why they could not be read. Called from one thread. */
    List<Sample> sample(List<Watched> groups, Instant at) throws InterruptedException {
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new LinkedHashMap<>();
        Map<String, String> failures = new HashMap<>();
        Map<TopicPartition, Offsets> ends;
        try {
            Set<String> topicNames = new LinkedHashSet<>();
            Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
            for (Watched g : groups) {
                topicNames.addAll(g.topics());
                specs.put(g.group(), new ListConsumerGroupOffsetsSpec());
            }
            Map<String, TopicDescription> topics = admin.describeTopics(topicNames,
                    new DescribeTopicsOptions().timeoutMs(millis())).allTopicNames().get(waitMs(), TimeUnit.MILLISECONDS);
            ListConsumerGroupOffsetsResult listed = admin.listConsumerGroupOffsets(specs,
                    // A pending transactional commit must not hold up the probe that is to tell of it.
                    new ListConsumerGroupOffsetsOptions().requireStable(false).timeoutMs(millis()));
            for (Watched g : groups) {
                try {
                    committed.put(g.group(), withOffsets(listed.partitionsToOffsetAndMetadata(g.group())
                            .get(waitMs(), TimeUnit.MILLISECONDS)));
                } catch (ExecutionException | TimeoutException e) {
                    failures.put(g.group(), "listing the group's committed offsets failed: " + describe(e));
                }
            }
            Set<TopicPartition> inputs = new LinkedHashSet<>();
            Set<TopicPartition> uncommitted = new HashSet<>();
            for (Watched g : groups) {
                if (committed.containsKey(g.group())) {
                    Set<TopicPartition> mine = partitionsOf(g, topics, committed.get(g.group()).keySet());
                    inputs.addAll(mine);
                    mine.stream().filter(tp -> !committed.get(g.group()).containsKey(tp)).forEach(uncommitted::add);
                }
            }
            ends = ends(inputs, uncommitted);
        } catch (ExecutionException | TimeoutException e) {
            String why = "listing the input partitions' offsets failed: " + describe(e);
            return groups.stream().map(g -> Sample.failed(g.group(), at, why)).toList();
        }
        var samples = new ArrayList<Sample>();
        var nextLooked = new HashMap<Gap, Boolean>();
        for (Watched g : groups) {
            if (failures.containsKey(g.group())) {
                previous.remove(g.group());
                samples.add(Sample.failed(g.group(), at, failures.get(g.group())));
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> mine = committed.get(g.group());
            Map<TopicPartition, Long> before = previous.getOrDefault(g.group(), Map.of());
            var partitions = new LinkedHashMap<TopicPartition, Offsets>();
            var gaps = new ArrayList<Gap>();
            for (Map.Entry<TopicPartition, Offsets> e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                if (!g.topics().contains(tp.topic()) && !mine.containsKey(tp)) {
                    continue;
                }
                OffsetAndMetadata c = mine.get(tp);
                Offsets o = new Offsets(c == null ? null : c.offset(), e.getValue().logStart(), e.getValue().stableEnd(),
                        e.getValue().end(), null);
                partitions.put(tp, o);
                if (o.position() < o.stableEnd() && Long.valueOf(o.position()).equals(before.get(tp))) {
                    gaps.add(new Gap(tp, o.position(), o.stableEnd()));
                }
            }
            Map<Gap, Boolean> found = lookInto(gaps);
            nextLooked.putAll(found);
            found.forEach((gap, readable) -> {
                Offsets o = partitions.get(gap.partition());
                partitions.put(gap.partition(), new Offsets(o.committed(), o.logStart(), o.stableEnd(), o.end(), readable));
            });
            previous.put(g.group(), partitions.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().position())));
            samples.add(Sample.of(g.group(), at, partitions));
        }
        looked = nextLooked;
        return samples;
    }

    /** The group's input topics' partitions, plus any other partition it has committed an offset for. */
    private static Set<TopicPartition> partitionsOf(Watched g, Map<String, TopicDescription> topics,
            Collection<TopicPartition> committed) {
        var out = new LinkedHashSet<TopicPartition>();
        for (String topic : g.topics()) {
            TopicDescription d = topics.get(topic);
            if (d != null) {
                d.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            }
        }
        out.addAll(committed);
        return out;
    }

    /** Log start (for partitions some group has no commit for), stable end and high watermark of each partition. */
    private Map<TopicPartition, Offsets> ends(Set<TopicPartition> partitions, Set<TopicPartition> uncommitted)
            throws ExecutionException, TimeoutException, InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, ListOffsetsResultInfo> stable = offsets(partitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> high = offsets(partitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, ListOffsetsResultInfo> start = uncommitted.isEmpty() ? Map.of()
                : offsets(uncommitted, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
        var out = new LinkedHashMap<TopicPartition, Offsets>();
        for (TopicPartition tp : partitions) {
            ListOffsetsResultInfo s = start.get(tp);
            out.put(tp, new Offsets(null, s == null ? 0 : s.offset(), stable.get(tp).offset(), high.get(tp).offset(), null));
        }
        return out;
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(Set<TopicPartition> partitions, OffsetSpec spec,
            IsolationLevel isolation) throws ExecutionException, TimeoutException, InterruptedException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), tp -> spec)),
                new ListOffsetsOptions(isolation).timeoutMs(millis())).all().get(waitMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a {@code read_committed} reader finds a record in each gap; a gap it could not tell in time
     * is left out, and counts as waiting.
     */
    private Map<Gap, Boolean> lookInto(List<Gap> gaps) {
        var out = new HashMap<Gap, Boolean>();
        var open = new HashMap<TopicPartition, Gap>();
        for (Gap gap : gaps) {
            Boolean known = looked.get(gap);
            if (known != null) {
                out.put(gap, known);
            } else {
                open.put(gap.partition(), gap);
            }
        }
        if (open.isEmpty()) {
            return out;
        }
        try {
            reader.assign(open.keySet());
            open.values().forEach(g -> reader.seek(g.partition(), g.position()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = reader.poll(POLL);
                for (TopicPartition tp : records.partitions()) {
                    Gap gap = open.remove(tp);
                    if (gap != null) {
                        long first = records.records(tp).stream().mapToLong(ConsumerRecord::offset).min().orElse(Long.MAX_VALUE);
                        out.put(gap, first < gap.stableEnd());
                        reader.pause(List.of(tp));
                    }
                }
                for (Gap gap : List.copyOf(open.values())) {
                    // A read_committed reader steps over markers and aborted records without returning them.
                    if (reader.position(gap.partition(), timeout) >= gap.stableEnd()) {
                        open.remove(gap.partition());
                        out.put(gap, false);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Untold gaps count as waiting: a stall is then judged on the offsets alone.
            LOG.debug("looking past committed offsets: {}", e.toString());
        } finally {
            reader.assign(List.of());
        }
        return out;
    }

    private int millis() {
        return (int) timeout.toMillis();
    }

    /** How long to wait on a future: a little longer than the call's own timeout, so that one answers first. */
    private long waitMs() {
        return timeout.toMillis() + 1000;
    }

    private static Map<TopicPartition, OffsetAndMetadata> withOffsets(Map<TopicPartition, OffsetAndMetadata> committed) {
        var out = new LinkedHashMap<TopicPartition, OffsetAndMetadata>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                out.put(tp, o);
            }
        });
        return out;
    }

    private static String describe(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof TimeoutException || t instanceof org.apache.kafka.common.errors.TimeoutException
                ? "no answer within the timeout" + (t.getMessage() == null ? "" : ": " + t.getMessage())
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void close() {
        reader.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(2)));
        admin.close(Duration.ofSeconds(2));
    }
}
