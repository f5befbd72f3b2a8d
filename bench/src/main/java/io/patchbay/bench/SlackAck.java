package io.patchbay.bench;

import com.sun.net.httpserver.HttpServer;
import io.patchbay.app.Role;
import io.patchbay.contracts.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * P5: how fast patchbay's Slack endpoint acknowledges signed Events API callbacks (a channel
 * message), beside the same requests with a wrong signature, which Bolt's signature check refuses
 * before any handling. Slack's Web API is a local fake on 127.0.0.1 that answers every method.
 */
final class SlackAck {

    private static final String SECRET = "bench-signing-secret";

    record Result(Stats signed, Stats refused) {
        List<Figure> figures() {
            return List.of(Figure.ofTimes("P5", "Slack event callback acknowledged, p99 (Slack allows 3,000 ms)",
                    signed.p99(), refused.p99(), "bad signature refused by the same endpoint, p99", "ms"));
        }
    }

    private SlackAck() {}

    static Result run(String bootstrap, Path home, int n) throws Exception {
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = ("{\"ok\":true,\"url\":\"https://bench.slack.com/\",\"team\":\"bench\",\"user\":\"patchbay\","
                    + "\"team_id\":\"T0BENCH\",\"user_id\":\"U0BOT\",\"bot_id\":\"B0BOT\",\"channel\":\"C0BENCH\","
                    + "\"ts\":\"1700000000.000100\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fake.start();
        Map<String, String> env = Map.of("PATCHBAY_SLACK_SIGNING_SECRET", SECRET, "PATCHBAY_SLACK_BOT_TOKEN",
                "xoxb-bench", "PATCHBAY_SLACK_API_URL", "http://127.0.0.1:" + fake.getAddress().getPort() + "/api/");
        try (BenchNode node = BenchNode.start(bootstrap, home, null, EnumSet.of(Role.INGEST), env)) {
            URI url = URI.create(node.base() + "/slack/events");
            awaitStarted(url);
            Stats signed = time(url, n, SECRET, 200);
            Stats refused = time(url, n, "not-the-secret", 401);
            return new Result(signed, refused);
        } finally {
            fake.stop(0);
        }
    }

    /** The Slack app answers 503 until Bolt has heard back from {@code auth.test}. */
    private static void awaitStarted(URI url) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (send(url, SECRET, "warm-up").statusCode() == 503 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> send(URI url, String secret, String n) throws Exception {
        String body = callback(n);
        long ts = Instant.now().getEpochSecond();
        return BenchNode.HTTP.send(HttpRequest.newBuilder(url)
                .header("Content-Type", "application/json")
                .header("X-Slack-Request-Timestamp", String.valueOf(ts))
                .header("X-Slack-Signature", sign(secret, ts, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Stats time(URI url, int n, String secret, int expected) throws Exception {
        List<Long> nanos = new ArrayList<>();
        int warmUp = Math.max(10, n / 10);
        for (int i = 0; i < n + warmUp; i++) {
            String body = callback(secret.hashCode() + "-" + i);
            long ts = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/json")
                    .header("X-Slack-Request-Timestamp", String.valueOf(ts))
                    .header("X-Slack-Signature", sign(secret, ts, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t = System.nanoTime();
            HttpResponse<String> r = BenchNode.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - t;
            if (r.statusCode() != expected) {
                throw new IllegalStateException("/slack/events answered " + r.statusCode() + " where " + expected
                        + " was expected: " + r.body());
            }
            if (i >= warmUp) {
                nanos.add(took);
            }
        }
        return Stats.ofNanos(nanos);
    }

    private static String callback(String n) {
        var event = new LinkedHashMap<String, Object>();
        event.put("type", "message");
        event.put("channel", "C0BENCH");
        event.put("user", "U0PERSON");
        event.put("text", "hello " + n);
        event.put("ts", "1700000000." + String.format("%06d", Math.abs(n.hashCode()) % 1_000_000));
        var envelope = new LinkedHashMap<String, Object>();
        envelope.put("token", "legacy-verification-token");
        envelope.put("team_id", "T0BENCH");
        envelope.put("api_app_id", "A0BENCH");
        envelope.put("event", event);
        envelope.put("type", "event_callback");
        envelope.put("event_id", "Ev" + n);
        envelope.put("event_time", 1_700_000_000);
        return Json.canonical(envelope);
    }

    /** Slack's request signature: {@code v0=} HMAC-SHA256 of {@code v0:timestamp:body}. */
    static String sign(String secret, long timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body)
                .getBytes(StandardCharsets.UTF_8)));
    }
}
