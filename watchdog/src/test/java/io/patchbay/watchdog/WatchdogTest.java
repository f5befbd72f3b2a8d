package io.patchbay.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchdogTest {

    @TempDir
    Path stateDir;

    @Test
    void answersEmptyAndNotReadyBeforeItStarts() {
        var watchdog = new Watchdog(new WatchdogConfig("127.0.0.1:9", "patchbay-watchdog", stateDir, 1));

        assertThat(watchdog.ready()).isFalse();
        assertThat(watchdog.isRunning()).isFalse();
        assertThat(watchdog.state()).isEqualTo(KafkaStreams.State.CREATED);
        assertThat(watchdog.patch("p1")).isEmpty();
        assertThat(watchdog.domains()).isEmpty();
        assertThat(watchdog.patches("main", null, 10)).isEmpty();
        assertThat(watchdog.streams()).isEmpty();
        assertThat(watchdog.freeze("main")).isEmpty();
        assertThat(watchdog.openBreaches(null)).isEmpty();
        assertThat(watchdog.alerts(null, java.time.Instant.EPOCH, 10)).isEmpty();
        assertThat(watchdog.quarantine(null, 10)).isEmpty();
        assertThat(watchdog.outcomes("main", java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1)).total()).isZero();
        watchdog.close();
    }

    @Test
    void readsCommittedEventsOnlyAndCommitsOften() {
        var props = Watchdog.streamsProperties(new WatchdogConfig("127.0.0.1:9", "patchbay-watchdog", stateDir, 3));

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100);
        assertThat(props.get(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(props.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo(stateDir.toAbsolutePath().toString());
    }

    @Test
    void keepsAWarmCopyOfTheViewsOnAnotherInstanceOnAClusterAndNoneOnOneBroker() {
        var cluster = Watchdog.streamsProperties(new WatchdogConfig("127.0.0.1:9", "patchbay-watchdog", stateDir, 3));
        var single = Watchdog.streamsProperties(new WatchdogConfig("127.0.0.1:9", "patchbay-watchdog", stateDir, 1));
        var two = Watchdog.streamsProperties(new WatchdogConfig("127.0.0.1:9", "patchbay-watchdog", stateDir, 1, null,
                null, 2));

        assertThat(cluster.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(single.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(0);
        assertThat(two.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(2);
        assertThat(cluster.get("topic.min.insync.replicas")).as("changelogs need two in-sync replicas of three")
                .isEqualTo("2");
        assertThat(single.get("topic.min.insync.replicas")).isNull();
        assertThat(new StreamsConfig(cluster).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG))
                .as("Streams reads the setting back").isEqualTo(1);
    }

    @Test
    void configRefusesWhatCannotWork() {
        assertThatThrownBy(() -> new WatchdogConfig(" ", "app", stateDir, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WatchdogConfig("127.0.0.1:9", "app", stateDir, 1, null, null, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standbyReplicas");
        assertThatThrownBy(() -> new WatchdogConfig("127.0.0.1:9", "app", stateDir, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replicationFactor");
    }
}
