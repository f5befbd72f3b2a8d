package io.patchbay.app;

import io.patchbay.contracts.topic.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates patchbay's topics when they are missing; leaves existing ones as they are. */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);

    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private TopicSetup() {}

    static void ensure(String bootstrapServers, int partitions, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.ALL.stream()
                    .filter(t -> !existing.contains(t))
                    // The event log is the source of truth: keep it for ever.
                    .map(t -> new NewTopic(t, partitions, replicationFactor).configs(Map.of(
                            "retention.ms", "-1",
                            // A 1 MiB patch grows when escaped into JSON, and events and work orders carry it whole.
                            "max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES),
                            "min.insync.replicas", String.valueOf(Math.max(1, replicationFactor - 1)))))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
            }
        }
    }
}
