package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SlackFeedTest {

    private static final TopicPartition EVENTS_0 = new TopicPartition(Topics.EVENTS, 0);

    @Test
    void readsOnlyCommittedEventsAndCommitsAfterHandingThemOver() {
        assertThat(SlackFeed.consumerConfig("127.0.0.1:9092"))
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        var consumer = new MockConsumer<String, Event>("earliest");
        var seen = new CopyOnWriteArrayList<Event>();
        Event accepted = SlackServiceTest.event("p1", 1, new EventBody.Accepted("v1", "h"));
        Event started = SlackServiceTest.event("p1", 2, new EventBody.Started(1, "w", null));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(EVENTS_0));
            consumer.updateBeginningOffsets(Map.of(EVENTS_0, 0L));
            consumer.addRecord(new ConsumerRecord<>(Topics.EVENTS, 0, 0, "main", accepted));
            consumer.addRecord(new ConsumerRecord<>(Topics.EVENTS, 0, 1, "main", started));
        });
        var feed = new SlackFeed<>(consumer, Topics.EVENTS, e -> {
            if (e.seq() == 1) {
                throw new IllegalStateException("one bad reply does not stop the feed");
            }
            seen.add(e);
        });

        feed.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                synchronized (consumer) {
                    var committed = consumer.committed(Set.of(EVENTS_0)).get(EVENTS_0);
                    return committed != null && committed.offset() == 2;
                }
            });
            assertThat(seen).containsExactly(started);
            assertThat(feed.isRunning()).isTrue();
        } finally {
            feed.close();
        }
        assertThat(consumer.closed()).isTrue();
        assertThat(feed.isRunning()).isFalse();
    }
}
