package io.patchbay.app;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raises the alerts that start-up code owns (an invalid contract edit) on {@code patchbay.alerts}. */
final class AlertPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);

    private final KafkaProducer<String, Alert> producer;

    AlertPublisher(String bootstrapServers, RecordLimits limits) {
        var config = new java.util.HashMap<String, Object>(limits.producerConfig());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(config, Topics.KEY.serializer(), Topics.ALERT.serializer());
    }

    void contractInvalid(String reason) {
        Alert alert = new Alert(Alerts.ALL_DOMAINS, Alerts.CONTRACT_INVALID, null, reason, List.of(), Instant.now(),
                "The edited execution contract is not valid and was not taken into use: " + reason);
        producer.send(new ProducerRecord<>(Topics.ALERTS, Alerts.ALL_DOMAINS, alert), (meta, e) -> {
            if (e != null) {
                LOG.warn("the alert about the invalid contract was not written: {}", e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(2));
    }
}
