package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A dry run is no way round a token's domains: the inbox answers 403 before the dry runner is asked. */
class DryRunScopeTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<String> asked = new ArrayList<>();
    private final List<Command> published = new ArrayList<>();
    private HttpInbox inbox;
    private Javalin app;

    @BeforeEach
    void start() {
        inbox = new HttpInbox(HttpInbox.Config.of(List.of(
                new InboxToken("ops-only", Json.sha256Hex("ops-secret"), Set.of("ops"), null))), published::add);
        inbox.enableDryRun((body, format, domain, by) -> {
            asked.add(format + ":" + domain + ":" + by);
            return new DryRunner.Answer(true, "{\"passes\":true}");
        });
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            inbox.addRoutes(cfg.routes);
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        inbox.close();
    }

    private HttpResponse<String> dryRun(String query, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + HttpInbox.PATH
                        + "?dryRun=true" + query))
                .header("Authorization", "Bearer ops-secret").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenLimitedToOpsGets403ForAPatchForMainAndTheDryRunnerIsNeverCalled() throws Exception {
        HttpResponse<String> json = dryRun("", "application/json", Samples.JSON);
        HttpResponse<String> bare = dryRun("&domain=main", "text/x-diff",
                "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n");

        for (HttpResponse<String> r : List.of(json, bare)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).contains("application/problem+json"));
            assertThat(Json.mapper().readTree(r.body()).path("detail").asText())
                    .isEqualTo("token 'ops-only' may not submit to domain 'main'");
        }
        assertThat(asked).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void theSameTokenReachesTheDryRunnerForItsOwnDomain() throws Exception {
        HttpResponse<String> r = dryRun("&domain=ops", "text/x-diff",
                "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(asked).containsExactly("DIFF:ops:http:ops-only");
        assertThat(published).isEmpty();
    }
}
