package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances starting at the same moment against one fresh cluster: each sets up the
 * topics, and whichever creates a topic first, all of them start.
 */
class ConcurrentTopicSetupIT {

    private static final int INSTANCES = 6;
    private static final int PARTITIONS = 3;

    @TempDir
    Path home;

    private EmbeddedKafka kafka;
    private ExecutorService pool;

    @BeforeEach
    void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0, RecordLimits.DEFAULT);
        pool = Executors.newFixedThreadPool(INSTANCES);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void instancesSettingUpTopicsAtTheSameMomentAllSucceedAndAgreeOnTheTopics() throws Exception {
        var together = new CyclicBarrier(INSTANCES);
        List<Future<RecordLimits>> setups = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            Callable<RecordLimits> setup = () -> {
                together.await(30, TimeUnit.SECONDS);
                return TopicSetup.ensure(kafka.bootstrapServers(), PARTITIONS, (short) 1, RecordLimits.DEFAULT, false);
            };
            setups.add(pool.submit(setup));
        }

        for (Future<RecordLimits> s : setups) {
            // An instance that lost the race to create a topic throws here when it is not handled.
            assertThat(s.get(90, TimeUnit.SECONDS)).as("the limits an instance runs with").isEqualTo(RecordLimits.DEFAULT);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL);
            topics.values().forEach(t -> assertThat(t.partitions()).as(t.name()).hasSize(PARTITIONS));
            var events = new ConfigResource(ConfigResource.Type.TOPIC, Topics.EVENTS);
            assertThat(admin.describeConfigs(List.of(events)).all().get(30, TimeUnit.SECONDS).get(events)
                    .get("retention.ms").value()).as("the event log is kept for ever, whoever created it").isEqualTo("-1");
        }
    }
}
