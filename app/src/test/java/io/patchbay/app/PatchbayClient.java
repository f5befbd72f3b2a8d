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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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

    /** An operator action ({@code approve}, {@code cancel} …) on a patch, with the given bearer token. */
    Reply act(String token, String patchId, String action, String reason) throws IOException, InterruptedException {
        String body = reason == null ? "" : Json.canonical(Map.of("reason", reason));
        return send(HttpRequest.newBuilder(URI.create(base() + "/v1/patches/" + patchId + "/" + action))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30))
                .build());
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

    /** Every committed record of a topic, as patchbay's own audit reads it. */
    static <V> List<V> readAll(String bootstrapServers, String topic, Deserializer<V> values) {
        try {
            return EventLog.readTopic(bootstrapServers, topic, bytes -> values.deserialize(topic, bytes),
                    Duration.ofSeconds(20));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
