package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Readiness against a loopback server standing in for patchbay's {@code /health/ready}. */
class ReadinessTest {

    @Test
    void waitsFor200AndMeanwhileSaysWhatIsNotReady() throws Exception {
        int notReadyAnswers = (int) (Readiness.FIRST_WORD.toMillis() / Readiness.POLL.toMillis()) + 5;
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health/ready", exchange -> {
            boolean ready = asked.incrementAndGet() > notReadyAnswers;
            byte[] body = (ready ? "{\"ready\":true,\"notReady\":[]}"
                    : "{\"ready\":false,\"notReady\":[\"decider\",\"views\"]}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var said = new ByteArrayOutputStream();
            Duration took = new Readiness("0.0.0.0", server.getAddress().getPort(),
                    new PrintStream(said, true, StandardCharsets.UTF_8)).await();

            assertThat(asked.get()).isEqualTo(notReadyAnswers + 1);
            assertThat(took).isGreaterThanOrEqualTo(Readiness.FIRST_WORD);
            assertThat(said.toString(StandardCharsets.UTF_8))
                    .isEqualTo("patchbay: starting; not ready yet: decider, views\n");
        } finally {
            server.stop(0);
        }
    }
}
