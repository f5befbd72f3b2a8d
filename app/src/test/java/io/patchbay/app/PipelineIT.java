package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline in one process on a real embedded broker, driven as a user would drive it. */
class PipelineIT {

    private static final List<String> SUCCESS_PATH =
            List.of("Submitted", "Accepted", "Queued", "Dispatched", "Started", "GateFinished", "Succeeded");

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        TestContracts.install(home, TestContracts.withSleep());
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = new PatchbayClient(patchbay);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static Path workspace(String domain) {
        return home.resolve("var/workspaces").resolve(domain);
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    private static List<RevCommit> commitsWithTrailer(String domain, String patchId) throws Exception {
        try (Git git = Git.open(workspace(domain).toFile())) {
            return Stream.of(git.log().call()).flatMap(it -> java.util.stream.StreamSupport.stream(it.spliterator(), false))
                    .filter(c -> c.getFullMessage().contains("Patch-Id: " + patchId))
                    .toList();
        }
    }

    @Test
    void patchThroughHttpInboxSucceedsWithOneCommitSummaryAndOrderedEvents() throws Exception {
        String body = """
                {"domain":"main","title":"Add release notes",
                 "files":[{"path":"docs/notes.md","content":"# Notes\\n\\nFirst release.\\n"}],
                 "gates":[{"name":"notes","fileContains":{"path":"docs/notes.md","text":"release"}}]}
                """;
        PatchbayClient.Reply reply = client.submit("application/json", body, null);
        assertThat(reply.status()).isEqualTo(202);
        String id = reply.json().path("id").asText();
        assertThat(id).hasSize(64);

        awaitStatus(id, "Succeeded");

        assertThat(client.eventTypesOf(id)).containsExactlyElementsOf(SUCCESS_PATH);
        assertThat(Files.readString(workspace("main").resolve("docs/notes.md"))).contains("First release.");
        assertThat(commitsWithTrailer("main", id)).hasSize(1);
        Path summary = home.resolve("var/summaries/main/" + id + ".md");
        assertThat(summary).exists();
        assertThat(Files.readString(summary)).contains("Add release notes").contains(id);
        assertThat(client.get("/v1/patches/" + id + "/summary").body()).contains("Add release notes");

        JsonNode view = client.get("/v1/patches/" + id).json();
        assertThat(view.path("timeline")).hasSize(SUCCESS_PATH.size());
        assertThat(view.path("commitId").asText()).isEqualTo(commitsWithTrailer("main", id).get(0).getName());
    }

    @Test
    void bareDiffThroughInboxAppliesToTheWorkspace() throws Exception {
        Path readme = workspace("main").resolve("README.md");
        await().until(() -> Files.exists(readme));
        String before = Files.readString(readme);
        String firstLine = before.lines().findFirst().orElseThrow();
        String secondLine = before.lines().skip(1).findFirst().orElseThrow();
        // A git-style diff that adds a line after the first one, with one line of context after it.
        String diff = "diff --git a/README.md b/README.md\n--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,3 @@\n "
                + firstLine + "\n+Maintained by patchbay.\n " + secondLine + "\n";
        PatchbayClient.Reply reply = client.submit("text/x-diff", diff, "domain=main");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String id = reply.json().path("id").asText();
        awaitStatus(id, "Succeeded");
        assertThat(Files.readString(readme)).contains("Maintained by patchbay.");
    }

    @Test
    void patchDroppedInSpoolSucceedsAndLeavesAReceipt() throws Exception {
        Path incoming = home.resolve("var/spool/ops/incoming");
        await().until(() -> Files.isDirectory(incoming));
        String yaml = """
                title: Rotate on-call
                files:
                  - path: oncall/rotation.txt
                    content: "alice\\nbob\\n"
                """;
        Path tmp = incoming.resolve("rotation.yaml.part");
        Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
        Files.move(tmp, incoming.resolve("rotation.yaml"));

        Path receipt = home.resolve("var/spool/ops/accepted/rotation.yaml.receipt.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(receipt));
        assertThat(home.resolve("var/spool/ops/accepted/rotation.yaml")).exists();
        assertThat(incoming.resolve("rotation.yaml")).doesNotExist();
        String id = Json.mapper().readTree(receipt.toFile()).path("id").asText();

        awaitStatus(id, "Succeeded");
        assertThat(client.eventTypesOf(id)).containsExactlyElementsOf(SUCCESS_PATH.stream()
                .filter(t -> !t.equals("GateFinished")).toList());
        assertThat(Files.readString(workspace("ops").resolve("oncall/rotation.txt"))).isEqualTo("alice\nbob\n");
        assertThat(commitsWithTrailer("ops", id)).hasSize(1);
    }

    @Test
    void unreadableSpoolFileIsRejectedWithAReason() throws Exception {
        Path incoming = home.resolve("var/spool/main/incoming");
        await().until(() -> Files.isDirectory(incoming));
        Files.write(incoming.resolve("garbage.patch"), new byte[] {0, 1, 2, 3});
        Path reason = home.resolve("var/spool/main/rejected/garbage.patch.reason.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(reason));
        assertThat(Files.readString(reason)).contains("binary");
    }

    @Test
    void patchThatWritesOutsideTheWorkspaceIsRejectedAndNothingChanges() throws Exception {
        String headBefore = head("main");
        String body = """
                {"domain":"main","title":"Escape",
                 "files":[{"path":"../../escaped.txt","content":"owned"},{"path":".git/hooks/post-commit","content":"x"}]}
                """;
        PatchbayClient.Reply reply = client.submit("application/json", body, null);
        assertThat(reply.status()).isEqualTo(202);
        String id = reply.json().path("id").asText();

        awaitStatus(id, "Rejected");
        assertThat(client.eventTypesOf(id)).containsExactly("Submitted", "Rejected");
        EventBody.Rejected rejected = client.events().stream()
                .filter(e -> id.equals(e.patchId()) && e.body() instanceof EventBody.Rejected)
                .map(e -> (EventBody.Rejected) e.body()).findFirst().orElseThrow();
        assertThat(rejected.violations()).extracting(v -> v.code()).containsExactlyInAnyOrder("PATH_TRAVERSAL", "PATH_GIT_DIR");
        assertThat(rejected.contractVersion()).isEqualTo(patchbay.contract().version());
        assertThat(rejected.contractHash()).isEqualTo(patchbay.contract().hash());
        assertThat(home.resolve("var/escaped.txt")).doesNotExist();
        assertThat(home.resolve("escaped.txt")).doesNotExist();
        assertThat(workspace("main").resolve(".git/hooks/post-commit")).doesNotExist();
        assertThat(head("main")).isEqualTo(headBefore);
    }

    @Test
    void resubmittingTheSamePatchRunsItOnce() throws Exception {
        String body = """
                {"domain":"ops","title":"Once only","files":[{"path":"once.txt","content":"1\\n"}]}
                """;
        String id = client.submit("application/json", body, null).json().path("id").asText();
        awaitStatus(id, "Succeeded");
        String again = client.submit("application/json", body, null).json().path("id").asText();
        assertThat(again).isEqualTo(id);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> client.eventTypesOf(id).size() == SUCCESS_PATH.size() - 1);
        assertThat(commitsWithTrailer("ops", id)).hasSize(1);
    }

    @Test
    void aSlowGateHoldsOnlyItsOwnDomain() throws Exception {
        String slow = """
                {"domain":"main","title":"Slow gate","files":[{"path":"slow.txt","content":"slow\\n"}],
                 "gates":[{"name":"wait","run":["sleep","6"]}]}
                """;
        String slowId = client.submit("application/json", slow, null).json().path("id").asText();
        awaitStatus(slowId, "Running");
        String queued = client.submit("application/json",
                "{\"domain\":\"main\",\"title\":\"After the slow one\",\"files\":[{\"path\":\"after.txt\",\"content\":\"x\"}]}",
                null).json().path("id").asText();
        String other = client.submit("application/json",
                "{\"domain\":\"ops\",\"title\":\"Meanwhile\",\"files\":[{\"path\":\"meanwhile.txt\",\"content\":\"x\"}]}",
                null).json().path("id").asText();

        awaitStatus(other, "Succeeded");
        assertThat(client.status(slowId)).as("ops ran while main's gate was still running").isEqualTo("Running");
        // Handed to the worker behind the slow one (or still queued), it waits: main runs one patch at a time.
        assertThat(client.status(queued)).as("main runs one patch at a time").isIn("Queued", "Dispatched");
        assertThat(workspace("main").resolve("after.txt")).doesNotExist();

        awaitStatus(slowId, "Succeeded");
        awaitStatus(queued, "Succeeded");
    }

    @Test
    void cliSubmitsShowsStatusAndCancelsAQueuedPatch() throws Exception {
        String url = client.base();
        String tokenFile = home.resolve("var/secrets/submit-token").toString();
        Path slowFile = home.resolve("slow.json");
        Files.writeString(slowFile, """
                {"domain":"main","title":"Holds the domain","files":[{"path":"hold.txt","content":"x"}],
                 "gates":[{"name":"wait","run":["sleep","4"]}]}
                """);
        AuditCommandTest.Run slow = AuditCommandTest.cli("submit", slowFile.toString(), "--json", "--url", url,
                "--token-file", tokenFile);
        assertThat(slow.code()).as(slow.out()).isZero();
        String slowId = Json.mapper().readTree(slow.out()).path("id").asText();
        awaitStatus(slowId, "Running");

        Path diff = home.resolve("later.diff");
        Files.writeString(diff, "--- /dev/null\n+++ b/later.txt\n@@ -0,0 +1 @@\n+later\n");
        AuditCommandTest.Run queued = AuditCommandTest.cli("submit", diff.toString(), "--domain", "main", "--json", "--url", url,
                "--token-file", tokenFile);
        assertThat(queued.code()).as(queued.out()).isZero();
        String queuedId = Json.mapper().readTree(queued.out()).path("id").asText();
        // Behind the slow one: in the queue, or already at the worker waiting for its turn.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(queuedId), s -> s.equals("Queued") || s.equals("Dispatched"));

        AuditCommandTest.Run cancel = AuditCommandTest.cli("cancel", queuedId, "--reason", "superseded", "--url", url,
                "--token-file", tokenFile);
        assertThat(cancel.code()).as(cancel.out()).isZero();
        awaitStatus(queuedId, "Cancelled");
        awaitStatus(slowId, "Succeeded");
        assertThat(workspace("main").resolve("later.txt")).doesNotExist();

        AuditCommandTest.Run status = AuditCommandTest.cli("status", queuedId, "--json", "--url", url);
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("\"status\":\"Cancelled\"").contains("superseded");
        assertThat(AuditCommandTest.cli("status", "no-such-patch", "--url", url).code()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void dryRunReportsVerdictAndApplicabilityWithoutSideEffects() throws Exception {
        String headBefore = head("main");
        String good = "{\"domain\":\"main\",\"title\":\"Dry\",\"files\":[{\"path\":\"dry.txt\",\"content\":\"x\"}]}";
        PatchbayClient.Reply ok = client.submit("application/json", good, "dryRun=true");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("passes").asBoolean()).isTrue();
        assertThat(ok.json().path("applies").asBoolean()).isTrue();

        PatchbayClient.Reply refused = client.submit("application/json",
                "{\"domain\":\"main\",\"title\":\"Dry\",\"files\":[{\"path\":\"../x\",\"content\":\"x\"}]}", "dryRun=true");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().path("violations").toString()).contains("PATH_TRAVERSAL");

        PatchbayClient.Reply stale = client.submit("text/x-diff",
                "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-no such line\n+x\n", "domain=main&dryRun=true");
        assertThat(stale.status()).isEqualTo(422);
        assertThat(stale.json().path("applies").asBoolean()).isFalse();
        assertThat(stale.json().path("applyProblems").toString()).contains("README.md");

        Path file = home.resolve("dry.json");
        Files.writeString(file, good);
        AuditCommandTest.Run cli = AuditCommandTest.cli("check", file.toString(), "--home", home.toString());
        assertThat(cli.code()).as(cli.out()).isZero();
        assertThat(cli.out()).contains("applies cleanly").contains("PASS");
        Path bad = home.resolve("stale.diff");
        Files.writeString(bad, "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-no such line\n+x\n");
        AuditCommandTest.Run failing = AuditCommandTest.cli("check", bad.toString(), "--domain", "main", "--home", home.toString());
        assertThat(failing.code()).isEqualTo(1);
        assertThat(failing.out()).contains("does not apply").contains("FAIL");

        assertThat(head("main")).isEqualTo(headBefore);
        assertThat(workspace("main").resolve("dry.txt")).doesNotExist();
        assertThat(client.events().stream().filter(e -> ok.json().path("id").asText().equals(e.patchId()))).isEmpty();
    }

    @Test
    void aRealWorldSizedDiffOfSomeHundredKilobytesRuns() throws Exception {
        var lines = new StringBuilder();
        for (int i = 0; i < 6000; i++) {
            lines.append("+line ").append(i).append(" of a generated data file, long enough to weigh something\n");
        }
        String diff = "diff --git a/data/big.txt b/data/big.txt\nnew file mode 100644\n--- /dev/null\n+++ b/data/big.txt\n"
                + "@@ -0,0 +1,6000 @@\n" + lines;
        assertThat(diff.length()).isGreaterThan(400_000);
        PatchbayClient.Reply reply = client.submit("text/x-diff", diff, "domain=ops");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String id = reply.json().path("id").asText();
        awaitStatus(id, "Succeeded");
        assertThat(Files.size(workspace("ops").resolve("data/big.txt"))).isEqualTo(diff.length() - diff.indexOf("+line 0")
                - 6000);
    }

    @Test
    void healthReportsEveryDomainFromTheEventLogAndTheChainVerifies() throws Exception {
        PatchbayClient.Reply health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        JsonNode json = health.json();
        assertThat(json.path("status").asText()).isIn("healthy", "degraded");
        assertThat(json.path("domains").has("main")).isTrue();
        assertThat(json.path("domains").has("ops")).isTrue();
        assertThat(json.path("domains").path("main").has("queueDepth")).isTrue();
        assertThat(json.path("domains").path("main").has("inFlight")).isTrue();
        assertThat(json.path("domains").path("main").has("quarantined")).isTrue();

        List<Event> log = client.events();
        assertThat(log).isNotEmpty();
        assertThat(HashChain.verify(log)).isEmpty();
    }

    @Test
    void auditVerifyChecksTheRealLogAndNamesTamperingInACopy() throws Exception {
        String id = client.submit("application/json",
                "{\"domain\":\"main\",\"title\":\"Audited\",\"files\":[{\"path\":\"audited.txt\",\"content\":\"x\"}]}",
                null).json().path("id").asText();
        awaitStatus(id, "Succeeded");

        AuditCommandTest.Run live = AuditCommandTest.cli("audit", "verify", "--kafka-bootstrap", patchbay.bootstrapServers());
        assertThat(live.code()).as(live.out()).isZero();
        assertThat(live.out()).contains("every chain verifies").contains("main: ");

        Path copy = home.resolve("audit/events.jsonl");
        assertThat(AuditCommandTest.cli("audit", "export", "--kafka-bootstrap", patchbay.bootstrapServers(),
                "--to", copy.toString()).code()).isZero();
        List<String> lines = Files.readAllLines(copy);
        int succeeded = indexOf(lines, id, "\"type\":\"Succeeded\"");

        List<String> edited = new java.util.ArrayList<>(lines);
        edited.set(succeeded, edited.get(succeeded).replace("\"durationMs\":", "\"durationMs\":1"));
        assertThat(verifyCopy(edited, "edited")).contains("was edited");

        List<String> dropped = new java.util.ArrayList<>(lines);
        dropped.remove(succeeded - 1);
        assertThat(verifyCopy(dropped, "dropped")).contains("does not chain to it");

        List<String> reordered = new java.util.ArrayList<>(lines);
        java.util.Collections.swap(reordered, succeeded - 1, succeeded);
        assertThat(verifyCopy(reordered, "reordered")).contains("does not chain to it");
    }

    private static int indexOf(List<String> lines, String patchId, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(patchId) && lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text + " for " + patchId);
    }

    private static String verifyCopy(List<String> lines, String name) throws IOException {
        Path file = home.resolve("audit/" + name + ".jsonl");
        Files.write(file, lines);
        AuditCommandTest.Run run = AuditCommandTest.cli("audit", "verify", "--file", file.toString());
        assertThat(run.code()).as(run.out()).isEqualTo(1);
        return run.out();
    }

    private static String head(String domain) throws IOException {
        try (Git git = Git.open(workspace(domain).toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        }
    }
}
