package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every patch that ends has a summary at {@code GET /v1/patches/{id}/summary}, on the real embedded
 * broker: one the contract rejected names each violation with its code and sentence; one cancelled
 * before it ran, one quarantined and one discarded say who or what ended them and why.
 */
class TerminalSummariesIT {

    private static final String ALICE = "alice-token-for-summaries-it";
    private static final String BOB = "bob-token-for-summaries-it";

    private static final String CONTRACT = """
            version: "summaries-it-1"
            domains:
              strict:
                workspace: var/workspaces/strict
                paths: {deny: ["secrets/**"]}
              gated:
                workspace: var/workspaces/gated
                risk:
                  approvers: ["http:bob"]
                  levels:
                    high: {approvals: 1}
              fragile:
                workspace: var/workspaces/fragile
                retry: {maxAttempts: 2, backoff: 200ms, maxBackoff: 1s, on: [infrastructure]}
                quarantine: {on: [infrastructure], discardAfter: 7d}
            """;

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(home.resolve("contracts/sot"));
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), CONTRACT);
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - {name: alice, sha256: %s, scopes: [submit, approve, operate]}
                  - {name: bob, sha256: %s, scopes: [submit, approve, operate]}
                """.formatted(Json.sha256Hex(ALICE), Json.sha256Hex(BOB)));
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = PatchbayClient.whenReady(patchbay);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static String submit(String json) throws Exception {
        PatchbayClient.Reply reply = client.submit(ALICE, "application/json", json, null, Map.of());
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().path("id").asText();
    }

    private static String submitFile(String domain, String title, String risk) throws Exception {
        return submit("{\"domain\":\"" + domain + "\",\"title\":\"" + title + "\",\"risk\":\"" + risk + "\","
                + "\"files\":[{\"path\":\"" + title.replace(' ', '-') + ".txt\",\"content\":\"x\\n\"}]}");
    }

    private static void act(String id, String action, String reason) throws Exception {
        PatchbayClient.Reply reply = client.act(BOB, id, action, reason);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    /** The summary once the view has the patch's last event: 200 and markdown. */
    private static String summary(String id, String outcome) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.get("/v1/patches/" + id + "/summary"),
                        r -> r.status() == 200 && r.body().contains("| Outcome | **" + outcome + "** |"))
                .body();
    }

    private static <T extends EventBody> T lastEvent(String id, Class<T> type) {
        List<Event> of = client.events().stream().filter(e -> id.equals(e.patchId()) && type.isInstance(e.body()))
                .toList();
        assertThat(of).as("a %s event of %s", type.getSimpleName(), id).isNotEmpty();
        return type.cast(of.get(of.size() - 1).body());
    }

    @Test
    void rejectedPatchSummaryNamesEveryViolationWithItsCodeAndSentence() throws Exception {
        String id = submit("""
                {"domain":"strict","title":"Leak the keys",
                 "files":[{"path":"secrets/key.pem","content":"k\\n"},{"path":"secrets/other.pem","content":"o\\n"}],
                 "commands":[["curl","https://example.org"]]}
                """);
        awaitStatus(id, "Rejected");

        String md = summary(id, "Rejected");

        List<Violation> violations = lastEvent(id, EventBody.Rejected.class).violations();
        assertThat(violations).extracting(Violation::code).contains("PATH_DENIED", "COMMAND_NOT_ALLOWED");
        assertThat(md).contains("Its " + violations.size() + " reasons, each with its code:");
        assertThat(md.lines().filter(l -> l.startsWith("- `"))).hasSize(violations.size());
        assertThat(md).startsWith("# Leak the keys\n").contains("| Patch | `" + id + "` |").contains("| Domain | strict |")
                .contains("## Why").contains("## Gates\n\nNone ran.");
        for (Violation v : violations) {
            assertThat(md).contains("`" + v.code() + "`").contains(v.message());
        }
        assertThat(md).contains("secrets/key.pem").contains("curl");
    }

    @Test
    void patchCancelledBeforeItRanHasASummarySayingWhoAndWhy() throws Exception {
        String id = submitFile("gated", "Risky change", "high");
        awaitStatus(id, "AwaitingApproval");
        assertThat(client.get("/v1/patches/" + id + "/summary").status()).isEqualTo(404);

        act(id, "cancel", "superseded by a smaller change");
        awaitStatus(id, "Cancelled");

        String md = summary(id, "Cancelled");
        assertThat(md).startsWith("# Risky change\n").contains("| Attempt | 0 |").contains("http:bob")
                .contains("superseded by a smaller change").contains("## Gates\n\nNone ran.");
    }

    @Test
    void quarantinedAndDiscardedPatchesHaveSummariesWithTheirReasonAndLastAttempt() throws Exception {
        Path tree = home.resolve("var/workspaces/fragile");
        await().until(() -> Files.isDirectory(tree.resolve(".git")));
        Files.move(tree, tree.resolveSibling("fragile.unmounted"));

        String kept = submitFile("fragile", "Needs its disk", "low");
        awaitStatus(kept, "Quarantined");
        String dropped = submitFile("fragile", "Needs it too", "low");
        awaitStatus(dropped, "Quarantined");
        String reason = lastEvent(kept, EventBody.Quarantined.class).reason();
        assertThat(reason).contains("var/workspaces/fragile does not exist; domain fragile has no git remote");

        String quarantined = summary(kept, "Quarantined");
        assertThat(quarantined).startsWith("# Needs its disk\n").contains("| Attempt | 2 |")
                .contains("Quarantined after 2 attempts").contains(reason).contains("release it")
                .contains("## Last attempt").contains("| Outcome | **Failed (")
                .as("the last attempt's headings sit under 'Last attempt'").contains("\n### Needs its disk\n");

        act(dropped, "discard", null);
        awaitStatus(dropped, "Discarded");

        String discarded = summary(dropped, "Discarded");
        assertThat(discarded).startsWith("# Needs it too\n").contains("Discarded by http:bob")
                .contains("It had been quarantined").contains("var/workspaces/fragile does not exist")
                .contains("does not run again").contains("## Last attempt");
    }
}
