package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.worker.TreeCheck;
import io.patchbay.executor.worker.Workspaces;
import io.patchbay.ingest.HttpInbox;
import io.patchbay.ingest.InboxToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/patches?dryRun=true} as wired in patchbay: the inbox checks the token's domains
 * (403) before anything else, and the dry run judges the contract (422 with the violation) before
 * the tree is tried. The tree step records its calls and then checks a real git tree.
 */
class DryRunInboxTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String DENIED_DIFF = "--- a/secrets/prod.env\n+++ b/secrets/prod.env\n@@ -1 +1 @@\n-old\n+new\n";

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.loadDefault();
    private final List<String> treeCalls = new ArrayList<>();
    private final List<Command> published = new ArrayList<>();
    private HttpInbox inbox;
    private Javalin app;

    @BeforeEach
    void start() {
        Workspaces.ensure(contract, home);
        inbox = new HttpInbox(HttpInbox.Config.of(List.of(
                new InboxToken("ops-only", Json.sha256Hex("ops-secret"), Set.of("ops"), null),
                InboxToken.anyDomain("everywhere", Json.sha256Hex("any-secret")))),
                published::add, Clock.systemUTC(), () -> contract);
        inbox.enableDryRun(new DryRun(() -> contract, home, Clock.systemUTC(), SandboxStatus.AVAILABLE,
                (tree, patch, maxBinary) -> {
                    treeCalls.add(patch.domain() + ":" + patch.title());
                    return TreeCheck.problems(tree, patch, maxBinary);
                }));
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

    private HttpResponse<String> dryRun(String token, String query, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + HttpInbox.PATH
                        + "?dryRun=true" + query))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTokenLimitedToOpsDryRunningAPatchForMainGets403AndNothingIsTried() throws Exception {
        String forMain = "{\"domain\":\"main\",\"title\":\"t\",\"files\":[{\"path\":\"a.txt\",\"content\":\"x\"}]}";

        HttpResponse<String> json = dryRun("ops-secret", "", "application/json", forMain);
        HttpResponse<String> bare = dryRun("ops-secret", "&domain=main", "text/x-diff", DENIED_DIFF);

        for (HttpResponse<String> r : List.of(json, bare)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).contains("application/problem+json"));
            assertThat(r.body()).contains("may not submit to domain 'main'");
        }
        assertThat(treeCalls).isEmpty();

        // Its own domain is dry-run as usual, tree and all.
        String forOps = forMain.replace("\"main\"", "\"ops\"");
        assertThat(dryRun("ops-secret", "", "application/json", forOps).statusCode()).isEqualTo(200);
        assertThat(treeCalls).containsExactly("ops:t");
        assertThat(published).isEmpty();
    }

    @Test
    void aPatchTheVerdictRefusesGets422WithTheViolationAndTheTreeIsNeverTried() throws Exception {
        HttpResponse<String> r = dryRun("any-secret", "&domain=main", "text/x-diff", DENIED_DIFF);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode report = Json.mapper().readTree(r.body());
        assertThat(report.path("passes").asBoolean()).isFalse();
        assertThat(report.path("violations").get(0).path("code").asText()).isEqualTo("PATH_DENIED");
        assertThat(report.path("violations").get(0).path("subject").asText()).isEqualTo("secrets/prod.env");
        assertThat(report.path("applies").isNull() || report.path("applies").isMissingNode()).isTrue();
        assertThat(treeCalls).isEmpty();

        // An allowed path with the same hunk reaches the tree, where it would not apply.
        HttpResponse<String> stale = dryRun("any-secret", "&domain=main", "text/x-diff",
                DENIED_DIFF.replace("secrets/", "config/"));
        assertThat(stale.statusCode()).isEqualTo(422);
        assertThat(Json.mapper().readTree(stale.body()).path("applies").asBoolean(true)).isFalse();
        assertThat(treeCalls).hasSize(1);
        assertThat(published).isEmpty();
    }
}
