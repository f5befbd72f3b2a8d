package io.patchbay.ingest.slack;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code patchbay.events} (committed events only) and hands each one to the notifier. Kept
 * thin so that the notifier is tested by feeding it events. Offsets are committed after each batch
 * has been handed over; a crash between the two repeats a few Slack replies, never loses a patch.
 */
final class SlackEventFeed implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackEventFeed.class);
    static final String GROUP_ID = "patchbay-slack-notifier";

    private final org.apache.kafka.clients.consumer.Consumer<String, Event> consumer;
    private final Consumer<Event> sink;
    private final Thread thread;
    private volatile boolean running;

    SlackEventFeed(org.apache.kafka.clients.consumer.Consumer<String, Event> consumer, Consumer<Event> sink) {
        this.consumer = consumer;
        this.sink = sink;
        this.thread = new Thread(this::run, "patchbay-slack-events");
        this.thread.setDaemon(true);
    }

    static SlackEventFeed on(String bootstrapServers, Consumer<Event> sink) {
        return new SlackEventFeed(new KafkaConsumer<>(consumerConfig(bootstrapServers), Topics.KEY.deserializer(),
                Topics.EVENT.deserializer()), sink);
    }

    static Map<String, Object> consumerConfig(String bootstrapServers) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                ConsumerConfig.CLIENT_ID_CONFIG, "patchbay-slack-notifier",
                // The decider writes events in transactions: never tell Slack about one that was aborted.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // From the start on first run: events of a patch submitted before the notifier first
                // subscribed still reach its thread; patches without a thread are passed over.
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    void start() {
        running = true;
        consumer.subscribe(List.of(Topics.EVENTS));
        thread.start();
    }

    boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, Event> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    log.warn("reading {} for Slack failed; trying again: {}", Topics.EVENTS, e.getMessage());
                    continue;
                }
                for (ConsumerRecord<String, Event> r : records) {
                    try {
                        if (r.value() != null) {
                            sink.accept(r.value());
                        }
                    } catch (RuntimeException e) {
                        log.warn("a Slack reply for event {}-{}@{} failed: {}", r.topic(), r.partition(), r.offset(),
                                e.toString());
                    }
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (WakeupException e) {
                        break;
                    } catch (KafkaException e) {
                        log.warn("cannot commit the Slack notifier's position: {}", e.getMessage());
                    }
                }
            }
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    @Override
    public void close() {
        if (!thread.isAlive() && !running) {
            consumer.close();
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
