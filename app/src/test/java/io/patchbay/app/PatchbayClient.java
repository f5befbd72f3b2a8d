package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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

/** What a user or monitor does against a running patchbay: HTTP calls, and reading the event log. */
final class PatchbayClient {

    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Patchbay patchbay;

    PatchbayClient(Patchbay patchbay) {
        this.patchbay = patchbay;
    }

    /** A client of a patchbay that has just started, once its health says it is ready. */
    static PatchbayClient whenReady(Patchbay patchbay) {
        PatchbayClient client = new PatchbayClient(patchbay);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> client.get("/health/ready").status() == 200);
        return client;
    }

    String base() {
        return "http://127.0.0.1:" + patchbay.httpPort();
    }

    Reply submit(String contentType, String body, String query) throws IOException, InterruptedException {
        return post(patchbay.token(), "/v1/patches" + (query == null ? "" : "?" + query), contentType, body);
    }

    /** Submits a JSON patch with another bearer token than the local one. */
    Reply submitAs(String token, String json) throws IOException, InterruptedException {
        return post(token, "/v1/patches", "application/json", json);
    }

    /** An operator action ({@code approve}, {@code cancel} …) on a patch, with the given bearer token. */
    Reply act(String token, String patchId, String action, String reason) throws IOException, InterruptedException {
        String body = reason == null ? "" : Json.canonical(Map.of("reason", reason));
        return post(token, "/v1/patches/" + patchId + "/" + action, "application/json", body);
    }

    private Reply post(String token, String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30))
                .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body());
    }

    Reply get(String path) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(res.statusCode(), res.body());
    }

    String status(String patchId) throws IOException, InterruptedException {
        Reply r = get("/v1/patches/" + patchId);
        return r.status() == 200 ? r.json().path("status").asText() : "HTTP " + r.status();
    }

    /** Every committed event on the log, in partition order, read from the beginning. */
    List<Event> events() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, patchbay.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (var consumer = new KafkaConsumer<>(props, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<Event> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
            }
            return out;
        }
    }

    List<String> eventTypesOf(String patchId) {
        return events().stream().filter(e -> patchId.equals(e.patchId())).map(Event::type).collect(Collectors.toList());
    }
}
