package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * patchbay against an external cluster (a real Apache Kafka image) instead of its embedded
 * broker. Needs a Docker engine and skips cleanly without one; its twin on the embedded broker,
 * which runs everywhere, is {@link PipelineIT#patchThroughHttpInboxSucceedsWithOneCommitSummaryAndOrderedEvents}.
 */
@Testcontainers(disabledWithoutDocker = true)
class ExternalClusterIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

    @TempDir
    Path home;

    @Test
    void patchThroughHttpInboxSucceedsOnAnExternalCluster() throws Exception {
        PatchbayConfig config = new PatchbayConfig(home, "127.0.0.1", 0, 0, KAFKA.getBootstrapServers(), null, 3, (short) 1);
        try (Patchbay patchbay = Patchbay.start(config)) {
            PatchbayClient client = new PatchbayClient(patchbay);
            await().atMost(Duration.ofSeconds(90)).until(() -> client.get("/health/ready").status() == 200);
            PatchbayClient.Reply reply = client.submit("application/json",
                    "{\"domain\":\"main\",\"title\":\"On a cluster\",\"files\":[{\"path\":\"cluster.txt\",\"content\":\"x\"}]}",
                    null);
            assertThat(reply.status()).isEqualTo(202);
            String id = reply.json().path("id").asText();
            await().atMost(Duration.ofSeconds(90)).until(() -> client.status(id), "Succeeded"::equals);
            assertThat(client.eventTypesOf(id)).startsWith("Submitted", "Accepted").endsWith("Succeeded");
            assertThat(patchbay.config().embeddedKafka()).isFalse();
        }
    }
}
