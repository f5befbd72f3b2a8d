package io.patchbay.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A map of answers that every instance shares through one compacted topic, so that a request
 * retried on another instance is recognised there: each instance folds the whole topic into memory
 * (caught up before {@link #start} returns), {@link #remember} writes with {@code acks=all} and
 * returns only once the cluster has the answer, and {@link #find} on a key it does not hold first
 * catches up to the topic's current end, so an answer written by another instance a moment ago is
 * seen. Answers older than the window are ignored and forgotten; the topic's retention drops them
 * from the cluster. Any channel that must tell a retry from a new request (the HTTP inbox's
 * {@code Idempotency-Key}, Slack's {@code event_id}) can keep its answers on the same topic under
 * its own channel name: each instance of this class reads only its channel's records. A channel
 * that must let only one instance act on a request ({@link #claim}) decides by the first record
 * under the key, which is the same for every instance since one key lives in one partition.
 *
 * <p>One class of over 300 lines because the reading thread, the positions it has reached and the
 * map it fills share one lock: a lookup's wait for the topic's end is a wait on that lock.
 *
 * @param <V> the answer, written as JSON
 */
public final class SharedAnswers<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedAnswers.class);

    /** How long a lookup waits for the topic's end before answering from what it has. */
    static final Duration CATCH_UP = Duration.ofSeconds(3);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(7);

    /** An answer and when it was given (the record's timestamp). */
    private record Stored<V>(V value, Instant at) {}

    private final String topic;
    private final String channel;
    /** Prefixed to every key written, and required of every key read. */
    private final String prefix;
    private final Class<V> type;
    private final Duration window;
    private final int maxEntries;
    private final Clock clock;
    private final Producer<String, byte[]> producer;
    private final Consumer<String, byte[]> consumer;
    private final Admin admin;
    private final ObjectMapper json = Json.mapper();
    private final LinkedHashMap<String, Stored<V>> entries = new LinkedHashMap<>();
    /**
     * The first answer read under each key within the window, in the topic's order: one key is one
     * partition, so every instance finds the same first; {@link #claim} is decided by it.
     */
    private final LinkedHashMap<String, Stored<V>> firsts = new LinkedHashMap<>();
    /** The next offset the folder will read, per partition; guarded by {@code this}. */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private final Thread folder;
    private volatile boolean closed;
    private volatile RuntimeException folderFailure;

    /**
     * @param channel whose answers these are, such as {@code inbox} or {@code slack}
     * @param window how long an answer holds; older ones are forgotten
     * @param maxEntries the oldest answers are forgotten beyond this many
     */
    public SharedAnswers(String bootstrapServers, String topic, String channel, Class<V> type, Duration window,
            int maxEntries, Clock clock) {
        if (window.isNegative() || window.isZero() || maxEntries < 1) {
            throw new IllegalArgumentException("the window and size of shared answers must be positive");
        }
        if (channel == null || channel.isBlank() || channel.contains("\n")) {
            throw new IllegalArgumentException("a channel of shared answers is a name on one line, not '" + channel
                    + "'");
        }
        this.topic = topic;
        this.channel = channel;
        this.prefix = channel + "\n";
        this.type = type;
        this.window = window;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "patchbay-answers-" + channel,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000), new StringSerializer(), new ByteArraySerializer());
        // No group: every instance reads every partition from the start, and commits nothing.
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "patchbay-answers-reader-" + channel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CATCH_UP.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CATCH_UP.toMillis()));
        this.folder = new Thread(this::fold, "shared-answers-" + channel);
        this.folder.setDaemon(true);
    }

    /**
     * Reads the topic to its end, then keeps reading it in the background.
     *
     * @throws IllegalStateException when the topic is missing or could not be read within {@code timeout}
     */
    public void start(Duration timeout) {
        var partitions = consumer.partitionsFor(topic, timeout);
        if (partitions == null || partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist; patchbay's topic set-up creates it");
        }
        // Known to the producer before the first claim, whose budget is too short to wait for metadata.
        producer.partitionsFor(topic);
        List<TopicPartition> all = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToBeginning(all);
        synchronized (this) {
            all.forEach(tp -> positions.put(tp, 0L));
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(all, timeout);
        folder.start();
        if (!awaitPositions(ends, timeout)) {
            throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds()
                    + " s" + (folderFailure == null ? "" : ": " + folderFailure.getMessage()) + "; without it a "
                    + "retried request would be taken as new, so the " + channel + " does not start: check that "
                    + "the Kafka cluster is reachable and this instance may read the topic");
        }
        log.info("read {} answers from {}", size(), topic);
    }

    /**
     * The answer remembered under {@code key} within the window, by this or any other instance. When
     * none is held here, waits (at most a few seconds) until everything on the topic at the time of
     * the call has been read, then looks again.
     */
    public Optional<V> find(String key) {
        String k = prefix + key;
        Optional<V> held = held(k);
        if (held.isPresent()) {
            return held;
        }
        try {
            Map<TopicPartition, Long> ends = endOffsets();
            if (!awaitPositions(ends, CATCH_UP)) {
                log.warn("{} is not read to its end after {} s; answering from what was read", topic,
                        CATCH_UP.toSeconds());
            }
        } catch (ExecutionException | TimeoutException e) {
            log.warn("could not ask where {} ends ({}); answering from what was read", topic, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return held(k);
    }

    /**
     * Writes the answer and waits until the cluster acknowledges it on all in-sync replicas: once
     * this returns, every instance that looks the key up sees it.
     */
    public void remember(String key, V value) throws PublishException {
        Instant at = clock.instant();
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new PublishException("the answer to " + key + " could not be written as JSON: " + e.getMessage(),
                    false, e);
        }
        try {
            producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), prefix + key, bytes))
                    .get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException(topic + " did not take the answer: " + e.getCause().getMessage(), true,
                    e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(topic + " did not acknowledge the answer within " + ACK_TIMEOUT.toSeconds()
                    + " s", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while " + topic + " took the answer", true, e);
        }
        put(prefix + key, new Stored<>(value, at));
    }

    /**
     * Takes a key for whoever writes first: writes {@code value} unless an answer is already held,
     * reads the topic back past its own write, and returns the first answer the topic holds under the
     * key within the window. That is {@code value} when this write came first; when two instances
     * claim at once, both read the same partition in the same order and agree on the one answer.
     *
     * @param budget how long the write and the read back may take in all
     * @throws PublishException (retriable) when the cluster did not take the write, or it was not read
     *     back, within {@code budget}: whether the key was taken is then not known
     */
    public V claim(String key, V value, Duration budget) throws PublishException {
        String k = prefix + key;
        Optional<V> first = first(k);
        if (first.isPresent()) {
            return first.get();
        }
        long deadline = System.nanoTime() + budget.toNanos();
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new PublishException("the claim of " + key + " could not be written as JSON: " + e.getMessage(),
                    false, e);
        }
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(topic, null, clock.instant().toEpochMilli(), k, bytes))
                    .get(budget.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new PublishException(topic + " did not take the claim of " + key + ": " + e.getCause().getMessage(),
                    true, e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException(topic + " did not acknowledge the claim of " + key + " within "
                    + budget.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while " + topic + " took the claim of " + key, true, e);
        }
        var readPast = Map.of(new TopicPartition(written.topic(), written.partition()), written.offset() + 1);
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        if (!awaitPositions(readPast, left)) {
            throw new PublishException("the claim of " + key + " was written to " + topic + " but not read back within "
                    + budget.toMillis() + " ms", true, folderFailure);
        }
        return first(k).orElseThrow(() -> new PublishException("the claim of " + key + " was read back from " + topic
                + " but is already outside the window", true, null));
    }

    /** Answers held now, expired or not; for logs and tests. */
    public synchronized int size() {
        return entries.size();
    }

    private synchronized Optional<V> held(String key) {
        Stored<V> s = entries.get(key);
        if (s == null || s.at().isBefore(clock.instant().minus(window))) {
            return Optional.empty();
        }
        return Optional.of(s.value());
    }

    private synchronized Optional<V> first(String key) {
        Stored<V> s = firsts.get(key);
        if (s == null || s.at().isBefore(clock.instant().minus(window))) {
            return Optional.empty();
        }
        return Optional.of(s.value());
    }

    /** Called by the folder only, in the topic's order: a key's first answer stays until it leaves the window. */
    private synchronized void putFirst(String key, Stored<V> stored) {
        Stored<V> had = firsts.get(key);
        if (had != null && !had.at().isBefore(clock.instant().minus(window))) {
            return;
        }
        firsts.remove(key);
        firsts.put(key, stored);
        forgetOld(firsts);
    }

    private synchronized void put(String key, Stored<V> stored) {
        Stored<V> had = entries.get(key);
        if (had != null && had.at().isAfter(stored.at())) {
            return; // the folder may read this instance's own write after a newer one from elsewhere
        }
        entries.remove(key); // re-inserted at the end: insertion order stays close to time order
        entries.put(key, stored);
        forgetOld(entries);
    }

    private void forgetOld(LinkedHashMap<String, Stored<V>> map) {
        Instant oldest = clock.instant().minus(window);
        Iterator<Stored<V>> it = map.values().iterator();
        while (it.hasNext()) {
            Stored<V> s = it.next();
            if (map.size() > maxEntries || s.at().isBefore(oldest)) {
                it.remove();
            } else {
                break;
            }
        }
    }

    private Map<TopicPartition, Long> endOffsets() throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> specs;
        synchronized (this) {
            specs = positions.keySet().stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        }
        return admin.listOffsets(specs).all().get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private synchronized boolean awaitPositions(Map<TopicPartition, Long> ends, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(ends)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed || folderFailure != null) {
                return false;
            }
            try {
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private void fold() {
        try {
            while (!closed) {
                var records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, byte[]> r : records) {
                    apply(r);
                }
                var read = new HashMap<TopicPartition, Long>();
                for (TopicPartition tp : consumer.assignment()) {
                    read.put(tp, consumer.position(tp)); // may ask the broker: not under the lock
                }
                synchronized (this) {
                    positions.putAll(read);
                    notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("stopped reading {}: {}; answers given by other instances from now on are not seen",
                        topic, e.toString());
                folderFailure = e;
                synchronized (this) {
                    notifyAll();
                }
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null || !r.key().startsWith(prefix)) {
            return; // another channel's answer
        }
        if (r.value() == null) {
            synchronized (this) {
                entries.remove(r.key());
                firsts.remove(r.key());
            }
            return;
        }
        try {
            Stored<V> stored = new Stored<>(json.readValue(r.value(), type), Instant.ofEpochMilli(r.timestamp()));
            put(r.key(), stored);
            putFirst(r.key(), stored);
        } catch (IOException e) {
            log.warn("skipped an unreadable answer at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            if (folder.isAlive()) {
                folder.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!folder.isAlive()) {
            consumer.close();
        }
        producer.close(Duration.ofSeconds(2));
        admin.close(Duration.ofSeconds(2));
    }
}
