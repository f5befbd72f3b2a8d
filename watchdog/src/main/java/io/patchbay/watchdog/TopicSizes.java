package io.patchbay.watchdog;

import io.patchbay.contracts.view.ViewsUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * How many partitions the watchdog's input topics have, asked of the brokers once and kept: the
 * assignment Streams hands out only names partitions somebody holds, so it cannot show the one
 * nobody holds. Streams does not follow an input topic whose partitions are added later (its
 * stores would be keyed wrongly), so the count read once stays the count.
 */
final class TopicSizes {

    private final String bootstrapServers;
    private final List<String> topics;
    private final Duration timeout;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    TopicSizes(String bootstrapServers, List<String> topics, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topics = List.copyOf(topics);
        this.timeout = timeout;
    }

    int partitions(String topic) {
        Integer known = counts.get(topic);
        if (known == null) {
            describe();
            known = counts.get(topic);
        }
        if (known == null) {
            throw new ViewsUnavailable("the brokers do not know the topic " + topic + " yet; try again shortly");
        }
        return known;
    }

    /** Every input topic at once, with a client closed right after: it is needed once per run. */
    private synchronized void describe() {
        if (counts.keySet().containsAll(topics)) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis()))) {
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            described.forEach((name, d) -> counts.put(name, d.partitions().size()));
        } catch (ExecutionException | TimeoutException e) {
            throw new ViewsUnavailable("cannot tell how many partitions " + topics + " have (" + e
                    + "); is Kafka reachable? Try again shortly", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewsUnavailable("interrupted while asking how many partitions " + topics + " have", e);
        }
    }
}
