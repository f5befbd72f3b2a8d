package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** What a user or monitor does against a running patchbay: HTTP calls, and reading the event log. */
final class PatchbayClient {

    record Reply(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Patchbay patchbay;

    PatchbayClient(Patchbay patchbay) {
        this.patchbay = patchbay;
    }

    String base() {
        return "http://127.0.0.1:" + patchbay.httpPort();
    }

    Reply submit(String contentType, String body, String query) throws IOException, InterruptedException {
        return submit(patchbay.token(), contentType, body, query, Map.of());
    }

    /** POST /v1/patches with any token (null for none) and extra headers. */
    Reply submit(String token, String contentType, String body, String query, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base() + "/v1/patches" + (query == null ? "" : "?" + query)))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        headers.forEach(req::header);
        return send(req.build());
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body(), res.headers());
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    String status(String patchId) throws IOException, InterruptedException {
        Reply r = get("/v1/patches/" + patchId);
        return r.status() == 200 ? r.json().path("status").asText() : "HTTP " + r.status();
    }

    /** Every committed event on the log, in partition order, read from the beginning. */
    List<Event> events() {
        return readAll(patchbay.bootstrapServers(), Topics.EVENTS, Topics.EVENT.deserializer());
    }

    List<String> eventTypesOf(String patchId) {
        return events().stream().filter(e -> patchId.equals(e.patchId())).map(Event::type).collect(Collectors.toList());
    }

    /** The Submit commands on {@code patchbay.commands} for one patch id, from every channel. */
    List<Command.Submit> submitsOf(String patchId) {
        return submits(patchbay.bootstrapServers()).stream().filter(s -> patchId.equals(s.patchId())).toList();
    }

    /** Every Submit command on {@code patchbay.commands} of a cluster. */
    static List<Command.Submit> submits(String bootstrapServers) {
        return readAll(bootstrapServers, Topics.COMMANDS, Topics.COMMAND.deserializer()).stream()
                .filter(Command.Submit.class::isInstance).map(Command.Submit.class::cast).toList();
    }

    /** Every committed record of a topic, partition by partition, read from the beginning to the current end. */
    static <V> List<V> readAll(String bootstrapServers, String topic, Deserializer<V> values) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), values)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<V> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            return out;
        }
    }
}
