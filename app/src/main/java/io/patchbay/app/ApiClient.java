package io.patchbay.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How the client commands reach a running patchbay: its URL and a submit token. */
final class ApiClient {

    @Option(names = "--url", description = "patchbay's HTTP address (default: \\$PATCHBAY_URL or http://127.0.0.1:8080).")
    String url = Optional.ofNullable(System.getenv("PATCHBAY_URL")).orElse("http://127.0.0.1:8080");

    @Option(names = "--token-file", description = "File holding the bearer token (default: var/secrets/submit-token; \\$PATCHBAY_TOKEN wins).")
    Path tokenFile = Path.of("var/secrets/submit-token");

    record Reply(int status, String contentType, String body) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String token() throws IOException {
        String env = System.getenv("PATCHBAY_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        if (!Files.isRegularFile(tokenFile)) {
            throw new IOException("no token: set PATCHBAY_TOKEN or give --token-file (" + tokenFile + " does not exist)");
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
            return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (ConnectException e) {
            throw new IOException("patchbay does not answer at " + url + " (is it up? see --url)", e);
        }
    }
}
