package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;

class DeciderConfigTest {

    @Test
    void decidesExactlyOnceWithShortCommitsAndSkipsUnreadableRecords() {
        var p = Decider.streamsProperties(new DeciderConfig("127.0.0.1:9092", null, Path.of("state"), 3, 2));

        assertThat(p).containsEntry("application.id", "patchbay-decider")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("commit.interval.ms", 20)
                .containsEntry("replication.factor", 3)
                .containsEntry("num.stream.threads", 2)
                .containsEntry("deserialization.exception.handler", LogAndContinueExceptionHandler.class);
        assertThat((String) p.get("state.dir")).endsWith("state");
    }

    @Test
    void keepsAWarmCopyOfItsStoresOnAnotherInstanceOnAClusterAndNoneOnOneBroker() {
        var cluster = Decider.streamsProperties(new DeciderConfig("127.0.0.1:9092", null, Path.of("state"), 3, 1));
        var single = Decider.streamsProperties(DeciderConfig.local("127.0.0.1:9092", Path.of("state")));
        var set = Decider.streamsProperties(new DeciderConfig("127.0.0.1:9092", null, Path.of("state"), 1, 1, null,
                null, null, 2));

        assertThat(cluster).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        assertThat(single).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0);
        assertThat(set).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 2);
        assertThat(cluster).as("changelogs need two in-sync replicas on a cluster of three")
                .containsEntry("topic.min.insync.replicas", "2");
        assertThat(single).doesNotContainKey("topic.min.insync.replicas");
        assertThat(new StreamsConfig(cluster).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG))
                .as("Streams reads the setting back").isEqualTo(1);
        assertThatThrownBy(() -> new DeciderConfig("127.0.0.1:9092", null, Path.of("s"), 1, 1, null, null, null, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("standbyReplicas");
    }

    @Test
    void refusesAReplicationFactorBelowOne() {
        assertThatThrownBy(() -> new DeciderConfig("127.0.0.1:9092", "x", Path.of("s"), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor");
    }

    @Test
    void changelogsRepartitionTopicsProducerAndFetchesTakeTheOneRecordLimit() {
        var limits = new io.patchbay.contracts.topic.RecordLimits(3 * 1024 * 1024);
        var p = Decider.streamsProperties(new DeciderConfig("127.0.0.1:9092", null, Path.of("state"), 1, 1, null, null,
                limits));
        String max = String.valueOf(3 * 1024 * 1024);
        assertThat(p).containsEntry("topic.max.message.bytes", max)
                .containsEntry("producer.max.request.size", 3 * 1024 * 1024)
                .containsEntry("main.consumer.max.partition.fetch.bytes", 3 * 1024 * 1024)
                .containsEntry("restore.consumer.max.partition.fetch.bytes", 3 * 1024 * 1024)
                .containsEntry(org.apache.kafka.streams.StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        SkipOversizeRecords.class);
        // Streams reads the prefixed settings back as the ones it gives its producer and its changelogs.
        var streams = new org.apache.kafka.streams.StreamsConfig(p);
        assertThat(streams.getProducerConfigs("c")).containsEntry("max.request.size", 3 * 1024 * 1024);
        assertThat(streams.originalsWithPrefix(org.apache.kafka.streams.StreamsConfig.TOPIC_PREFIX))
                .containsEntry("max.message.bytes", max);
    }
}
