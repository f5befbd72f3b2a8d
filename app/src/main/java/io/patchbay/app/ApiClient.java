package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How the client commands reach a running patchbay: its URL and a submit token. */
final class ApiClient {

    @Option(names = "--url", description = "patchbay's HTTP address (default: $PATCHBAY_URL or http://127.0.0.1:8080).")
    String url = Optional.ofNullable(System.getenv("PATCHBAY_URL")).orElse("http://127.0.0.1:8080");

    @Option(names = "--token-file", description = "File holding the bearer token (default: var/secrets/submit-token; $PATCHBAY_TOKEN wins).")
    Path tokenFile = Path.of("var/secrets/submit-token");

    /** An answer; {@code retryAfter} is the Retry-After header, null without one. */
    record Reply(int status, String contentType, String body, String retryAfter) {
        Reply(int status, String contentType, String body) {
            this(status, contentType, body, null);
        }
    }

    /** patchbay did not answer at all: nothing listens, or it took too long. */
    static final class Unreachable extends IOException {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The command has no token to send: a usage error, nothing was sent. */
    static final class NoToken extends IOException {
        NoToken(String message) {
            super(message);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String token() throws IOException {
        String env = System.getenv("PATCHBAY_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if (!Files.isRegularFile(tokenFile)) {
            throw new NoToken("no token: set PATCHBAY_TOKEN or give --token-file (" + tokenFile + " does not exist)");
        }
        return Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
    }

    Reply post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private URI uri(String path) {
        return URI.create(url.replaceAll("/+$", "") + path);
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Unreachable("patchbay does not answer at " + url + " (is it up? see --url)", e);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("patchbay at " + url + " did not answer within 30 s", e);
        }
    }

    /** What a problem answer says went wrong (its detail and errors), else its body as it came. */
    static String detailOf(Reply reply) {
        String body = reply.body() == null ? "" : reply.body().strip();
        try {
            JsonNode problem = Json.mapper().readTree(body);
            if (problem != null && problem.hasNonNull("detail")) {
                var b = new StringBuilder(problem.path("detail").asText());
                problem.path("errors").forEach(e -> b.append("\n  - ").append(e.asText()));
                problem.path("violations").forEach(v -> b.append("\n  - ").append(v.path("code").asText())
                        .append(": ").append(v.path("message").asText(v.toString())));
                return b.toString();
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON: say what came.
        }
        return body.isEmpty() ? "(no body)" : body;
    }

    /** The Retry-After of an answer in seconds, as a duration. */
    static Optional<Duration> retryAfter(Reply reply) {
        try {
            return reply.retryAfter() == null ? Optional.empty()
                    : Optional.of(Duration.ofSeconds(Long.parseLong(reply.retryAfter().trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
