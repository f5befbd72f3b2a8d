package io.patchbay.ingest.slack;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.view.Alert;
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
 * Reads one of patchbay's topics (committed records only) and hands each value to what tells Slack
 * about it: events to the notifier, alerts to the alert poster. Kept thin so that those are tested
 * by feeding them values. Offsets are committed after each batch has been handed over; a crash
 * between the two repeats a few Slack messages, never loses one.
 */
final class SlackFeed<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackFeed.class);
    static final String GROUP_ID = "patchbay-slack-notifier";
    static final String ALERTS_GROUP_ID = "patchbay-slack-alerts";

    private final org.apache.kafka.clients.consumer.Consumer<String, T> consumer;
    private final String topic;
    private final Consumer<T> sink;
    private final Thread thread;
    private volatile boolean running;

    SlackFeed(org.apache.kafka.clients.consumer.Consumer<String, T> consumer, String topic, Consumer<T> sink) {
        this.consumer = consumer;
        this.topic = topic;
        this.sink = sink;
        this.thread = new Thread(this::run, "patchbay-slack-" + topic);
        this.thread.setDaemon(true);
    }

    /** The events, from the start on first run: a patch submitted before the notifier first ran still reaches its thread. */
    static SlackFeed<Event> events(String bootstrapServers, Consumer<Event> sink) {
        return new SlackFeed<>(new KafkaConsumer<>(consumerConfig(bootstrapServers), Topics.KEY.deserializer(),
                Topics.EVENT.deserializer()), Topics.EVENTS, sink);
    }

    /** The alerts, from the end on first run: an alert channel hears what happens from now on, not the past. */
    static SlackFeed<Alert> alerts(String bootstrapServers, Consumer<Alert> sink) {
        var config = new java.util.HashMap<>(consumerConfig(bootstrapServers));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, ALERTS_GROUP_ID);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, ALERTS_GROUP_ID);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new SlackFeed<>(new KafkaConsumer<>(config, Topics.KEY.deserializer(), Topics.ALERT.deserializer()),
                Topics.ALERTS, sink);
    }

    static Map<String, Object> consumerConfig(String bootstrapServers) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                ConsumerConfig.CLIENT_ID_CONFIG, "patchbay-slack-notifier",
                // The decider and watchdog write in transactions: never tell Slack about something aborted.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    }

    void start() {
        running = true;
        consumer.subscribe(List.of(topic));
        thread.start();
    }

    boolean isRunning() {
        return running && thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, T> records;
                try {
                    records = consumer.poll(Duration.ofMillis(500));
                } catch (WakeupException e) {
                    break;
                } catch (KafkaException e) {
                    log.warn("reading {} for Slack failed; trying again: {}", topic, e.getMessage());
                    continue;
                }
                for (ConsumerRecord<String, T> r : records) {
                    try {
                        if (r.value() != null) {
                            sink.accept(r.value());
                        }
                    } catch (RuntimeException e) {
                        log.warn("a Slack message for {}-{}@{} failed: {}", r.topic(), r.partition(), r.offset(),
                                e.toString());
                    }
                }
                if (!records.isEmpty()) {
                    try {
                        consumer.commitSync();
                    } catch (WakeupException e) {
                        break;
                    } catch (KafkaException e) {
                        log.warn("cannot commit the Slack feed's position on {}: {}", topic, e.getMessage());
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
