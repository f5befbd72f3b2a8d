package io.patchbay.health;

import static io.patchbay.health.TestServer.NOW;
import static io.patchbay.health.TestServer.contentType;
import static io.patchbay.health.TestServer.domain;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Latency;
import io.patchbay.contracts.view.Outcomes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsTest {

    private final TestServer server = new TestServer();
    private final InMemoryViews views = server.views;

    @TempDir
    Path stateDir;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void servesPatchbaysFiguresPerDomainInThePrometheusTextFormat() throws Exception {
        views.domains.put("main", domain("main", 3, 1));
        views.freezes.put("main", new Freeze("main", NOW, 40, "a", "b", "drift"));
        views.open.add(new Alert("main", "SlaBreached", "sla.queueDepth=1", "3", List.of(), NOW, "m"));
        views.outcomes.put("main", new Outcomes(NOW, NOW, 4, 1, 0, 0, 0, 0, Map.of(), new Latency(5, 2000, 4500, 8000, 8000),
                0.8, 0.65, 5));

        var response = server.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(contentType(response)).startsWith("text/plain");
        assertThat(response.body())
                .contains("patchbay_queue_depth{domain=\"main\"} 3.0")
                .contains("patchbay_in_flight{domain=\"main\"} 1.0")
                .contains("patchbay_awaiting_approval{domain=\"main\"} 2.0")
                .contains("patchbay_quarantined{domain=\"main\"} 1.0")
                .contains("patchbay_frozen{domain=\"main\"} 1.0")
                .contains("patchbay_sla_breaches{domain=\"main\"} 1.0")
                .contains("patchbay_chain_seq{domain=\"main\"} 42.0")
                .contains("patchbay_oldest_pending_age_seconds{domain=\"main\"} 90.0")
                .contains("patchbay_patches_ended_total{domain=\"main\",outcome=\"succeeded\"} 7.0")
                .contains("patchbay_patches_ended_total{domain=\"main\",outcome=\"failed\"} 2.0")
                .contains("patchbay_last_hour_latency_seconds{domain=\"main\",quantile=\"0.9\"} 4.5")
                .contains("patchbay_last_hour_success_rate{domain=\"main\"} 0.8")
                .contains("patchbay_last_hour_mean_score{domain=\"main\"} 0.65")
                .contains("patchbay_views_ready 1.0")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void figuresFollowTheViewsAtEveryScrapeAndNewDomainsAppear() {
        views.domains.put("main", domain("main", 3, 0));
        assertThat(server.metrics.scrape()).contains("patchbay_queue_depth{domain=\"main\"} 3.0");

        views.domains.put("main", domain("main", 5, 0));
        views.domains.put("ops", domain("ops", 1, 0));
        views.ready = false;

        String text = server.metrics.scrape();
        assertThat(text).contains("patchbay_queue_depth{domain=\"main\"} 5.0")
                .contains("patchbay_queue_depth{domain=\"ops\"} 1.0")
                .contains("patchbay_views_ready 0.0")
                .contains("patchbay_last_hour_success_rate{domain=\"ops\"} NaN");
    }

    @Test
    void bindsTheMetricsOfKafkaStreamsAndKafkaClientsItIsGiven() {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        var builder = new StreamsBuilder();
        builder.stream("in").to("out");
        var producerProps = Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                ProducerConfig.CLIENT_ID_CONFIG, "metrics-test-producer");
        try (var streams = new KafkaStreams(builder.build(), props);
                var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            server.metrics.bindStreams("watchdog", streams).bindProducer("inbox", producer);

            String text = server.metrics.scrape();

            assertThat(text).containsPattern("kafka_stream_\\w+\\{[^}]*service=\"watchdog\"");
            assertThat(text).containsPattern("kafka_producer_\\w+\\{[^}]*service=\"inbox\"");
            producer.close(Duration.ZERO);
            streams.close(Duration.ofSeconds(5));
        }
    }
}
