package io.patchbay.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP leg between instances, against a small server on 127.0.0.1 standing in for the other instance. */
class PeerClientTest {

    private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);

    private HttpServer server;
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private volatile int status = 200;
    private volatile String body = "";
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PeerClient.PATH, exchange -> {
            received.put("method", exchange.getRequestMethod());
            received.put("by", String.valueOf(exchange.getRequestHeaders().getFirst(PeerClient.FORWARDED_BY)));
            received.put("query", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (hang) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private HostInfo peer() {
        return new HostInfo("127.0.0.1", server.getAddress().getPort());
    }

    private PeerClient client(Duration timeout) {
        return new PeerClient(SELF, Duration.ofMillis(500), timeout);
    }

    @Test
    void sendsTheQueryMarkedAsForwardedAndReadsTheAnswer() throws Exception {
        body = "{\"partitions\":[\"patchbay.events-1\"],\"answer\":[{\"domain\":\"beta\"}]}";

        PeerAnswer answer = client(Duration.ofSeconds(2)).ask(peer(), PeerQuery.domainsQuery()).get(5, TimeUnit.SECONDS);

        assertThat(answer.partitions()).containsExactly("patchbay.events-1");
        assertThat(answer.answer().path(0).path("domain").asText()).isEqualTo("beta");
        assertThat(received).containsEntry("method", "POST").containsEntry("by", "10.0.0.1:8080");
        assertThat(Json.read(received.get("query"), PeerQuery.class)).isEqualTo(PeerQuery.domainsQuery());
    }

    @Test
    void aPeerThatRefusesIsUnavailableWithItsReason() {
        status = 503;
        body = "{\"type\":\"urn:patchbay:problem:views-not-ready\",\"status\":503,"
                + "\"detail\":\"the views of this instance are not being served (REBALANCING)\"}";

        CompletableFuture<PeerAnswer> answer = client(Duration.ofSeconds(2)).ask(peer(), PeerQuery.patch("p-1"));

        assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ViewsUnavailable.class).hasMessageContaining("answered 503")
                .hasMessageContaining("REBALANCING");
    }

    @Test
    void aPeerThatDoesNotAnswerInTimeFailsTheQueryQuickly() {
        hang = true;
        long began = System.nanoTime();

        CompletableFuture<PeerAnswer> answer = client(Duration.ofMillis(300)).ask(peer(), PeerQuery.patch("p-1"));

        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aPeerNobodyListensOnFailsTheQuery() {
        HostInfo gone = peer();
        server.stop(0);

        CompletableFuture<PeerAnswer> answer = client(Duration.ofSeconds(1)).ask(gone, PeerQuery.domainsQuery());

        assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("Connect");
    }
}
