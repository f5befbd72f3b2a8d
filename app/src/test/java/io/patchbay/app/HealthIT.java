package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a monitor sees: SLA alerts from the event log, and health when the broker goes away. */
class HealthIT {

    @TempDir
    Path home;

    private EmbeddedKafka kafka;
    private Patchbay patchbay;

    @AfterEach
    void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The default contract with `sleep` allowed and a queue-depth limit of 1 for main. */
    private void writeContract() throws Exception {
        TestContracts.install(home, TestContracts.withSleep().replaceFirst("queueDepth: \\d+", "queueDepth: 1"));
    }

    private PatchbayClient startOnOwnBroker() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        patchbay = Patchbay.start(new PatchbayConfig(home, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, 3, (short) 1));
        PatchbayClient client = new PatchbayClient(patchbay);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/health/ready").status() == 200);
        return client;
    }

    @Test
    void queueOverItsLimitRaisesAnSlaAlertAndItsRecovery() throws Exception {
        writeContract();
        PatchbayClient client = startOnOwnBroker();
        // Two patches wait behind a 7 s gate: longer than the watchdog's 5 s check interval.
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(client.submit("application/json", "{\"domain\":\"main\",\"title\":\"Slow " + i
                    + "\",\"files\":[{\"path\":\"slow-" + i + ".txt\",\"content\":\"x\"}],"
                    + "\"gates\":[{\"name\":\"wait\",\"run\":[\"sleep\",\"7\"]}]}", null).json().path("id").asText());
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode alerts = client.get("/v1/alerts").json();
            return alerts.toString().contains("SlaBreached") && alerts.toString().contains("queueDepth");
        });
        JsonNode health = client.get("/health").json();
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.path("reasons").toString()).contains("main");

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/v1/alerts").json().toString().contains("SlaRecovered"));
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(30)).until(() -> client.status(id), "Succeeded"::equals);
        }
    }

    @Test
    void stoppedBrokerMakesHealthUnhealthyWhileViewsStillAnswer() throws Exception {
        PatchbayClient client = startOnOwnBroker();
        String id = client.submit("application/json",
                "{\"domain\":\"ops\",\"title\":\"Before the outage\",\"files\":[{\"path\":\"a.txt\",\"content\":\"a\"}]}",
                null).json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.status(id), "Succeeded"::equals);

        kafka.close();
        kafka = null;

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> client.get("/health").status() == 503);
        JsonNode health = client.get("/health").json();
        assertThat(health.path("status").asText()).isEqualTo("unhealthy");
        assertThat(health.path("reasons").toString()).contains("Kafka is unreachable");
        assertThat(client.get("/health/ready").status()).isEqualTo(503);
        assertThat(client.get("/health/live").status()).isEqualTo(200);

        PatchbayClient.Reply refused = client.submit("application/json",
                "{\"domain\":\"ops\",\"title\":\"During the outage\",\"files\":[{\"path\":\"b.txt\",\"content\":\"b\"}]}", null);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.body()).contains("Service Unavailable").doesNotContain("\"id\"");
    }
}
