package io.patchbay.ingest.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Slack's Web API on 127.0.0.1: records every call and answers the methods patchbay
 * uses with Slack's documented response shapes. Files are served under {@code /files/}, and
 * {@code response_url}s under {@code /respond/}.
 */
public final class FakeSlack implements AutoCloseable {

    public static final String BOT_TOKEN = "xoxb-test-bot-token";

    /** One recorded request: the path after the host, form or JSON fields, and the Authorization header. */
    public record Call(String method, Map<String, String> fields, String authorization) {
        public String field(String name) {
            return fields.get(name);
        }

        public JsonNode blocks() {
            try {
                return Json.mapper().readTree(fields.get("blocks"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An uploaded file: its name, content, and the message it was shared with. */
    public record FakeFile(String id, String name, byte[] content, String channel, String sharedTs) {}

    private final HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Call> refused = new CopyOnWriteArrayList<>();
    private final Map<String, FakeFile> files = new ConcurrentHashMap<>();
    private final AtomicInteger ts = new AtomicInteger(1000);
    /** Where apps.connections.open sends Socket Mode clients. */
    volatile String socketUrl;
    /** While set, every Web API method answers this HTTP status (503: Slack is down); 0 for none. */
    private volatile int outage;
    /** chat.postMessage answers 429 this many times before it succeeds. */
    final AtomicInteger rateLimitPosts = new AtomicInteger();

    public FakeSlack() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String apiUrl() {
        return base() + "/api/";
    }

    public String filesUrl() {
        return base() + "/files/";
    }

    public String responseUrl(String name) {
        return base() + "/respond/" + name;
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Every Web API method answers 503 from now on, as in a Slack outage. Calls refused so are kept
     * apart ({@link #refused}): {@link #calls} holds only what Slack took.
     */
    public void down() {
        outage = 503;
    }

    /** Slack is back. */
    public void up() {
        outage = 0;
    }

    public void addFile(FakeFile file) {
        files.put(file.id(), file);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** Calls answered 503 during an outage. */
    public List<Call> refused(String method) {
        return refused.stream().filter(c -> c.method().equals(method)).toList();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] raw = ex.getRequestBody().readAllBytes();
        String body = new String(raw, StandardCharsets.UTF_8);
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> fields = contentType != null && contentType.startsWith("application/json")
                ? jsonFields(body) : form(body);
        if (ex.getRequestURI().getRawQuery() != null) {
            fields.putAll(form(ex.getRequestURI().getRawQuery()));
        }
        String method = path.startsWith("/api/") ? path.substring(5) : path;
        Call call = new Call(method, fields, ex.getRequestHeaders().getFirst("Authorization"));
        if (outage != 0 && path.startsWith("/api/")) {
            refused.add(call);
            answer(ex, outage, "text/html", "<html><body>Slack is unavailable</body></html>");
            return;
        }
        calls.add(call);
        if (path.startsWith("/files/")) {
            FakeFile f = files.get(path.substring(7));
            boolean authorised = ("Bearer " + BOT_TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization"));
            if (f == null || !authorised) {
                answer(ex, 404, "text/plain", "not found");
            } else {
                ex.sendResponseHeaders(200, f.content().length);
                ex.getResponseBody().write(f.content());
                ex.close();
            }
            return;
        }
        if (path.startsWith("/respond/")) {
            answer(ex, 200, "text/plain", "ok");
            return;
        }
        switch (method) {
            case "auth.test" -> ok(ex, Map.of("url", "https://patchbay-test.slack.com/", "team", "Test",
                    "user", "patchbay", "team_id", "T1", "user_id", "UBOT", "bot_id", "BBOT"));
            case "chat.postMessage" -> {
                if (rateLimitPosts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    ex.getResponseHeaders().add("Retry-After", "1");
                    answer(ex, 429, "application/json", "{\"ok\":false,\"error\":\"ratelimited\"}");
                    return;
                }
                String newTs = "1700000000." + String.format("%06d", ts.incrementAndGet());
                ok(ex, Map.of("channel", fields.get("channel"), "ts", newTs,
                        "message", Map.of("type", "message", "text", fields.getOrDefault("text", ""), "ts", newTs)));
            }
            case "apps.connections.open" -> ok(ex, Map.of("url", socketUrl));
            case "chat.update" -> ok(ex, Map.of("channel", fields.get("channel"), "ts", fields.get("ts")));
            case "chat.postEphemeral" -> ok(ex, Map.of("message_ts", "1700000000.999999"));
            case "files.info" -> {
                FakeFile f = files.get(fields.get("file"));
                if (f == null) {
                    answer(ex, 200, "application/json", "{\"ok\":false,\"error\":\"file_not_found\"}");
                    return;
                }
                var file = new LinkedHashMap<String, Object>();
                file.put("id", f.id());
                file.put("name", f.name());
                file.put("size", f.content().length);
                file.put("url_private", filesUrl() + f.id());
                file.put("url_private_download", filesUrl() + f.id());
                if (f.sharedTs() != null) {
                    file.put("shares", Map.of("public", Map.of(f.channel(), List.of(Map.of("ts", f.sharedTs())))));
                }
                ok(ex, Map.of("file", file));
            }
            default -> answer(ex, 200, "application/json", "{\"ok\":false,\"error\":\"unknown_method\"}");
        }
    }

    private static void ok(HttpExchange ex, Map<String, Object> fields) throws IOException {
        var body = new LinkedHashMap<String, Object>();
        body.put("ok", true);
        body.putAll(fields);
        answer(ex, 200, "application/json", Json.canonical(body));
    }

    private static void answer(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private static Map<String, String> form(String body) {
        var fields = new LinkedHashMap<String, String>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.put(k, v);
        }
        return fields;
    }

    private static Map<String, String> jsonFields(String body) {
        var fields = new LinkedHashMap<String, String>();
        try {
            Json.mapper().readTree(body).properties().forEach(e -> fields.put(e.getKey(),
                    e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } catch (IOException e) {
            fields.put("_raw", body);
        }
        return fields;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    public static List<String> texts(List<Call> calls) {
        var out = new ArrayList<String>();
        calls.forEach(c -> out.add(c.field("text")));
        return out;
    }
}
