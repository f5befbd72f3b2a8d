package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record limit against what a cluster's topics accept: raised where patchbay owns them, else lowered. */
class TopicSetupIT {

    private static final int SMALL = 1024 * 1024;

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0, RecordLimits.DEFAULT);
        try (Admin admin = admin()) {
            // Topics someone else created with Kafka's usual 1 MiB limit.
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(SMALL)))).toList())
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static String maxMessageBytes(String topic) throws Exception {
        try (Admin admin = admin()) {
            var r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r).get("max.message.bytes")
                    .value();
        }
    }

    @Test
    void anExternalClustersSmallerTopicLimitLowersTheRecordLimitAndAnOwnedOneIsRaised() throws Exception {
        RecordLimits lowered = TopicSetup.ensure(kafka.bootstrapServers(), 1, (short) 1, RecordLimits.DEFAULT, false);
        assertThat(lowered.maxRecordBytes()).isEqualTo(SMALL);
        assertThat(maxMessageBytes(Topics.EVENTS)).as("an external cluster's topics are left alone")
                .isEqualTo(String.valueOf(SMALL));

        RecordLimits owned = TopicSetup.ensure(kafka.bootstrapServers(), 1, (short) 1, RecordLimits.DEFAULT, true);
        assertThat(owned).isEqualTo(RecordLimits.DEFAULT);
        assertThat(maxMessageBytes(Topics.EVENTS)).isEqualTo(String.valueOf(RecordLimits.DEFAULT_MAX_RECORD_BYTES));
    }
}
