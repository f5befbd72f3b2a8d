package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands as a person or a CI job runs them against a real patchbay on the embedded
 * broker: {@code up}'s banner only once patchbay is ready, {@code submit --wait} exiting with each
 * outcome, {@code status} for people and for scripts. Each scenario has a domain of its own.
 */
class CliIT {

    private static final String CONTRACT = """
            version: "cli-it-1"
            domains:
              main:
                workspace: var/workspaces/main
              slow:
                workspace: var/workspaces/slow
                commands:
                  allow: [["sleep"]]
              held:
                workspace: var/workspaces/held
                commands:
                  allow: [["sleep"]]
              fragile:
                workspace: var/workspaces/fragile
                retry: {maxAttempts: 2, backoff: 200ms, maxBackoff: 1s, on: [infrastructure]}
                quarantine: {on: [infrastructure], discardAfter: 7d}
            """;

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;
    /** What /health/ready answered at the moment the banner was handed over, and the banner. */
    static int readyAtBanner;
    static String banner;

    @BeforeAll
    static void start() throws Exception {
        TestContracts.install(home, CONTRACT);
        long began = System.nanoTime();
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = new PatchbayClient(patchbay);
        UpCommand.announce(patchbay, began, text -> {
            banner = text;
            try {
                readyAtBanner = client.get("/health/ready").status();
            } catch (IOException e) {
                readyAtBanner = -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, System.err);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static AuditCommandTest.Run cli(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", client.base(), "--token-file", home.resolve("var/secrets/submit-token").toString()));
        return AuditCommandTest.cli(all.toArray(String[]::new));
    }

    private static Path patchFile(String name, String json) throws IOException {
        Path file = home.resolve(name + ".json");
        Files.writeString(file, json);
        return file;
    }

    private static Path writes(String domain, String file, String gatesJson) throws IOException {
        return patchFile(domain + "-" + file, "{\"domain\":\"" + domain + "\",\"title\":\"Write " + file + "\","
                + "\"files\":[{\"path\":\"" + file + "\",\"content\":\"release notes\\n\"}]"
                + (gatesJson == null ? "" : ",\"gates\":" + gatesJson) + "}");
    }

    private static String idIn(String out) {
        Matcher m = Pattern.compile("patch ([0-9a-f]{64})").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    @Test
    void bannerIsHandedOverOnlyOnceReadyAnswers200AndSaysHowLongStartUpTook() {
        assertThat(readyAtBanner).as(banner).isEqualTo(200);
        assertThat(banner).containsPattern("patchbay is up and ready in \\d+\\.\\d s \\(");
    }

    @Test
    void waitOnASucceedingPatchPrintsItsTimelineAndExitsZero() throws Exception {
        AuditCommandTest.Run run = cli("submit", writes("main", "notes.md",
                "[{\"name\":\"notes\",\"fileContains\":{\"path\":\"notes.md\",\"text\":\"release\"}}]").toString(), "--wait");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        String id = idIn(run.out());
        assertThat(client.status(id)).isEqualTo("Succeeded");
        List<String> lines = run.out().lines().toList();
        assertThat(lines).anyMatch(l -> l.matches("  \\d\\d:\\d\\d:\\d\\d +\\+\\d+ ms  Submitted +submitted \"Write notes.md\".*"))
                .anyMatch(l -> l.matches("  \\d\\d:\\d\\d:\\d\\d +\\+[\\d.]+ m?s  GateFinished +gate notes passed.*"))
                .anyMatch(l -> l.matches("Succeeded after [\\d.]+ m?s · commit [0-9a-f]{12}"));
        Pattern event = Pattern.compile("  \\d\\d:\\d\\d:\\d\\d +\\+[\\d.]+ m?s  (\\w+) .*");
        List<String> types = lines.stream().map(event::matcher).filter(Matcher::matches).map(m -> m.group(1)).toList();
        assertThat(types).as("each event once, in order: %s", run.out())
                .containsExactly("Submitted", "Accepted", "Queued", "Dispatched", "Started", "GateFinished", "Succeeded");
        assertThat(run.out()).doesNotContain("{\"");
    }

    @Test
    void waitWithJsonPrintsOnlyTheFinalStatusDocument() throws Exception {
        AuditCommandTest.Run run = cli("submit", writes("main", "json.md", null).toString(), "--wait", "--json");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode doc = Json.mapper().readTree(run.out());
        assertThat(doc.path("status").asText()).isEqualTo("Succeeded");
        assertThat(doc.path("timeline").size()).isGreaterThanOrEqualTo(6);
        assertThat(run.out().strip().lines()).hasSize(1);
    }

    @Test
    void rejectedPatchExits11AndSaysWhy() throws Exception {
        AuditCommandTest.Run run = cli("submit", writes("main", "rejected.md",
                "[{\"name\":\"danger\",\"run\":[\"rm\",\"-rf\",\".\"]}]").toString(), "--wait");

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.REJECTED);
        assertThat(run.out()).contains("Rejected after")
                .contains("The command 'rm -rf .' is not in the domain's command allowlist.");
    }

    @Test
    void patchWhoseGateFailsExits10() throws Exception {
        AuditCommandTest.Run run = cli("submit", writes("main", "failing.md",
                "[{\"name\":\"wants-text\",\"fileContains\":{\"path\":\"failing.md\",\"text\":\"no such text\"}}]")
                .toString(), "--wait");

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("gate wants-text failed").contains("Failed after");
        assertThat(home.resolve("var/workspaces/main/failing.md")).doesNotExist();
    }

    @Test
    void waitThatOutlastsItsTimeoutExits124AndThePatchGoesOn() throws Exception {
        AuditCommandTest.Run run = cli("submit", writes("slow", "slow.md",
                "[{\"name\":\"wait\",\"run\":[\"sleep\",\"6\"]}]").toString(), "--wait", "--timeout", "2s");

        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(run.err()).contains("timed out: still ").contains("after 2.0 s (--timeout)");
        String id = idIn(run.out());
        awaitStatus(id, "Succeeded");
    }

    @Test
    void cancelledPatchExits12() throws Exception {
        String holder = client.submit("application/json", "{\"domain\":\"held\",\"title\":\"Holds\","
                + "\"files\":[{\"path\":\"hold.txt\",\"content\":\"x\"}],"
                + "\"gates\":[{\"name\":\"wait\",\"run\":[\"sleep\",\"4\"]}]}", null).json().path("id").asText();
        awaitStatus(holder, "Running");
        Path behind = writes("held", "behind.md", null);
        CompletableFuture<AuditCommandTest.Run> waiting = CompletableFuture.supplyAsync(() ->
                cli("submit", behind.toString(), "--wait"));
        String id = await().atMost(Duration.ofSeconds(30)).until(() -> queuedIn("held"), found -> found != null);
        PatchbayClient.Reply cancel = client.act(patchbay.token(), id, "cancel", "not needed after all");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(202);

        AuditCommandTest.Run run = waiting.get(60, TimeUnit.SECONDS);
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.CANCELLED);
        assertThat(run.out()).contains("cancelled by").contains("not needed after all").contains("Cancelled after");
    }

    /** A patch of the domain waiting its turn: in the queue, or dispatched behind the running one. */
    private static String queuedIn(String domain) throws Exception {
        for (String status : List.of("Queued", "Dispatched")) {
            JsonNode waiting = client.get("/v1/patches?domain=" + domain + "&status=" + status).json();
            if (waiting.size() > 0) {
                return waiting.get(0).path("id").asText();
            }
        }
        return null;
    }

    @Test
    void quarantinedPatchExits13AndOnceDiscardedFollowExits14() throws Exception {
        Path tree = home.resolve("var/workspaces/fragile");
        await().until(() -> Files.isDirectory(tree.resolve(".git")));
        Files.move(tree, tree.resolveSibling("fragile.unmounted"));

        AuditCommandTest.Run run = cli("submit", writes("fragile", "disk.md", null).toString(), "--wait");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(ExitCodes.QUARANTINED);
        String id = idIn(run.out());

        assertThat(client.act(patchbay.token(), id, "discard", "disk is gone").status()).isEqualTo(202);
        awaitStatus(id, "Discarded");
        AuditCommandTest.Run follow = cli("status", id, "--follow");
        assertThat(follow.code()).as(follow.out() + follow.err()).isEqualTo(ExitCodes.DISCARDED);
        assertThat(follow.out()).contains("discarded by");
    }

    @Test
    void statusSpeaksToPeopleByDefaultAndToScriptsWithJson() throws Exception {
        AuditCommandTest.Run submitted = cli("submit", writes("main", "status.md", null).toString());
        assertThat(submitted.code()).as(submitted.err()).isZero();
        String id = idIn(submitted.out());
        assertThat(submitted.out()).contains("follow it: patchbay status " + id + " --follow");
        awaitStatus(id, "Succeeded");

        AuditCommandTest.Run human = cli("status", id);
        assertThat(human.code()).isZero();
        assertThat(human.out()).startsWith("patch " + id + "\n  \"Write status.md\" · domain main")
                .containsPattern("\\d\\d:\\d\\d:\\d\\d +\\+[\\d.]+ m?s  Succeeded +committed")
                .doesNotContain("{\"");

        AuditCommandTest.Run json = cli("status", id, "--json");
        assertThat(Json.mapper().readTree(json.out()).path("id").asText()).isEqualTo(id);

        AuditCommandTest.Run all = cli("status");
        assertThat(all.code()).as(all.out() + all.err()).isZero();
        List<String> lines = all.out().lines().toList();
        assertThat(lines.get(0)).matches("patchbay is (healthy|degraded)");
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("DOMAIN")).findFirst().orElseThrow());
        List<String> table = lines.subList(header, lines.size());
        assertThat(table).hasSize(5);
        int failedColumnEnd = table.get(0).indexOf("FAILED") + "FAILED".length();
        assertThat(table.subList(1, 5)).as("figures end under their heading")
                .allMatch(l -> Character.isDigit(l.charAt(failedColumnEnd - 1)) && l.charAt(failedColumnEnd) == ' ');
        assertThat(table.stream().map(l -> l.split(" ")[0]).toList()).containsExactly("DOMAIN", "fragile", "held", "main",
                "slow");
    }

    @Test
    void commandLineMistakesAndAnUnreachablePatchbayHaveTheirOwnCodes() throws Exception {
        Path file = writes("main", "codes.md", null);
        assertThat(cli("submit", file.toString(), "--wait", "--timeout", "soon").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("status", "--follow").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(AuditCommandTest.cli("submit", file.toString(), "--url", client.base(), "--token-file",
                home.resolve("no-such-token").toString()).code()).isEqualTo(ExitCodes.USAGE);

        Path wrongToken = home.resolve("wrong-token");
        Files.writeString(wrongToken, "not-the-token");
        AuditCommandTest.Run refused = AuditCommandTest.cli("submit", file.toString(), "--wait", "--url", client.base(),
                "--token-file", wrongToken.toString());
        assertThat(refused.code()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).contains("patchbay refused the patch (HTTP 401)");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        AuditCommandTest.Run unreachable = AuditCommandTest.cli("status", "some-id", "--url", "http://127.0.0.1:" + closed);
        assertThat(unreachable.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(unreachable.err()).contains("patchbay does not answer at http://127.0.0.1:" + closed);
    }

    @Test
    void auditVerifyOfTheLiveLogSaysHowManyEventsItReadAndVerified() throws Exception {
        String id = idIn(cli("submit", writes("main", "audited.md", null).toString(), "--wait").out());
        int events = client.events().size();
        assertThat(client.eventTypesOf(id)).contains("Succeeded");

        AuditCommandTest.Run run = AuditCommandTest.cli("audit", "verify", "--kafka-bootstrap", patchbay.bootstrapServers());

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("OK: (\\d+) events in \\d+ domains; every chain verifies");
        Matcher ok = Pattern.compile("OK: (\\d+) events").matcher(run.out());
        assertThat(ok.find()).isTrue();
        int verified = Integer.parseInt(ok.group(1));
        assertThat(verified).as("the log only grows").isGreaterThanOrEqualTo(events);
        assertThat(run.err()).contains("patchbay audit: read " + String.format(java.util.Locale.ROOT, "%,d", verified)
                + " events in ").contains("patchbay audit: verified " + String.format(java.util.Locale.ROOT, "%,d",
                verified) + " events in ");
    }
}
