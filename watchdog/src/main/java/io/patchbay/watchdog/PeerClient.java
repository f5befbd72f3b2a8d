package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Sends a {@link PeerQuery} to another instance's {@value #PATH} over HTTP, with short timeouts: an
 * instance that does not answer quickly makes the query a 503, not a hanging request.
 */
final class PeerClient implements ClusterViews.Peers {

    /** The internal route every instance serves its own stores on; it never asks further. */
    public static final String PATH = "/internal/views";
    /** Marks a request one instance sends another, naming the sender, for the receiver's logs. */
    public static final String FORWARDED_BY = "X-Patchbay-Forwarded-By";

    private final HostInfo self;
    private final HttpClient http;
    private final Duration timeout;

    PeerClient(HostInfo self, Duration connectTimeout, Duration timeout) {
        this.self = self;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public CompletableFuture<PeerAnswer> ask(HostInfo host, PeerQuery query) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + PATH))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(FORWARDED_BY, self.host() + ":" + self.port())
                .POST(HttpRequest.BodyPublishers.ofString(Json.canonical(query)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new ViewsUnavailable("instance " + host + " answered " + response.statusCode() + ": "
                        + detailOf(response.body()));
            }
            return Json.read(response.body(), PeerAnswer.class);
        });
    }

    private static String detailOf(String body) {
        try {
            String detail = Json.mapper().readTree(body).path("detail").asText("");
            return detail.isEmpty() ? body : detail;
        } catch (Exception e) {
            return body;
        }
    }
}
