package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker runs transaction.version 2 (KIP-890), on a new log and on one formatted lower. */
class TransactionVersionIT {

    @TempDir
    Path home;

    private EmbeddedKafka kafka;

    @AfterEach
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static short finalizedTransactionVersion(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return TransactionVersionUpgrade.finalizedLevel(admin.describeFeatures().featureMetadata().get());
        }
    }

    @Test
    void newLogRunsTransactionVersionTwo() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);

        assertThat(finalizedTransactionVersion(kafka.bootstrapServers())).isGreaterThanOrEqualTo((short) 2);
    }

    @Test
    void logFormattedAtTransactionVersionOneIsRaisedAtStart() throws Exception {
        Path log = home.resolve("kafka");
        EmbeddedKafka.format(log, (short) 1);
        kafka = EmbeddedKafka.start(log, 0, new Properties(), false);
        assertThat(finalizedTransactionVersion(kafka.bootstrapServers()))
                .as("the log as an earlier patchbay left it").isEqualTo((short) 1);
        kafka.close();
        kafka = null;

        kafka = EmbeddedKafka.start(log, 0);

        String bootstrap = kafka.bootstrapServers();
        // The controller has committed the new level; the broker learns it from the metadata log.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> finalizedTransactionVersion(bootstrap) >= 2);
    }
}
