package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.topic.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics with more replicas than the cluster has brokers: refused with the setting to change, and nothing created. */
class TopicSetupReplicationIT {

    @TempDir
    Path home;

    @Test
    void refusesMoreReplicasThanBrokersNamingTheSetting() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(home.resolve("kafka"), 0)) {
            assertThatThrownBy(() -> TopicSetup.ensure(kafka.bootstrapServers(), 3, (short) 3))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("1 broker(s)")
                    .hasMessageContaining("--replication-factor (PATCHBAY_REPLICATION_FACTOR) to at most 1");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContainAnyElementsOf(Topics.ALL);
            }

            TopicSetup.ensure(kafka.bootstrapServers(), 3, (short) 1);
        }
    }
}
