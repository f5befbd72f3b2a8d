package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A hostile submitter against the whole pipeline on a real embedded broker: each input is refused
 * or contained, and when all have run, nothing outside the domain's working tree has changed and
 * the submit token appears in no event, summary or log line.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackIT {

    private static final Set<String> TERMINAL = Set.of("Rejected", "Succeeded", "Failed", "Cancelled", "Quarantined");

    @TempDir
    static Path home;
    /** A folder beside patchbay's home that no patch may reach. */
    @TempDir
    static Path outside;

    static Patchbay patchbay;
    static PatchbayClient client;
    static String secret;
    static String submitOnly;
    static Map<String, String> before;
    static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() throws Exception {
        TestContracts.install(home, TestContracts.shipped());
        Files.writeString(outside.resolve("keep.txt"), "outside the tree\n");
        submitOnly = "pb_submit_only_" + Long.toHexString(System.nanoTime());
        Map<String, String> env = Map.of("PATCHBAY_TOKENS", "bot:" + Json.sha256Hex(submitOnly) + ":main+ops");
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0), env);
        client = PatchbayClient.whenReady(patchbay);
        secret = patchbay.token();
        Files.writeString(home.resolve("var/secrets/prod.env"), "DATABASE_PASSWORD=" + secret + "\n");
        await().until(() -> Files.isDirectory(workspace("ops").resolve(".git")));
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
        before = checksums();
    }

    @AfterAll
    static void stop() {
        if (logs != null) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        }
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static Path workspace(String domain) {
        return home.resolve("var/workspaces").resolve(domain);
    }

    /** sha256 of every file patches must never change: secrets, the contract, the other domain, the folder beside home. */
    private static Map<String, String> checksums() throws IOException {
        var sums = new TreeMap<String, String>();
        for (Path root : List.of(home.resolve("var/secrets"), home.resolve("contracts"), workspace("ops"), outside)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                    if (f.toString().contains("/.git/") && !f.toString().contains("/.git/hooks/")
                            && !f.toString().endsWith("/.git/config")) {
                        continue; // git's own bookkeeping (index stat data, logs) moves when the keeper looks
                    }
                    sums.put(home.relativize(f).toString(), sha256(Files.readAllBytes(f)));
                }
            }
        }
        return sums;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String submitJson(String json) throws Exception {
        PatchbayClient.Reply r = client.submit("application/json", json, null);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    private static String submitDiff(String domain, String diff) throws Exception {
        PatchbayClient.Reply r = client.submit("text/x-diff", diff, "domain=" + domain);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().path("id").asText();
    }

    private static JsonNode awaitTerminal(String id) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), TERMINAL::contains);
        try {
            return client.get("/v1/patches/" + id).json();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> violationCodes(String id) {
        return client.events().stream().filter(e -> id.equals(e.patchId()) && e.type().equals("Rejected"))
                .flatMap(e -> Json.mapper().valueToTree(e.body()).path("violations").findValuesAsText("code").stream())
                .toList();
    }

    /** Each gate tries to read the token or a secret beside its tree; each patch must fail without it. */
    @Test
    @Order(1)
    void gatesCannotReadSecretsBesideTheirTree() throws Exception {
        List<List<String>> peeks = List.of(
                List.of("cat", "../../secrets/submit-token"),
                List.of("cat", home + "/var/secrets/submit-token"),
                List.of("grep", "-r", "DATABASE_PASSWORD", home.toString()),
                List.of("cat", "/proc/1/environ"),
                List.of("git", "diff", "--no-index", "/dev/null", home + "/var/secrets/prod.env"));
        for (List<String> argv : peeks) {
            String id = submitJson(Json.canonical(Map.of("domain", "main", "title", "peek " + argv.get(0),
                    "files", List.of(Map.of("path", "docs/peek.md", "content", "peek\n")),
                    "gates", List.of(Map.of("name", "peek", "run", argv)))));
            JsonNode status = awaitTerminal(id);
            // Reading the host's environment through /proc may pass: inside the sandbox it is the command's own.
            if (!argv.get(1).startsWith("/proc")) {
                assertThat(status.path("status").asText()).as("%s", argv).isEqualTo("Failed");
            }
            assertThat(status.toString()).as("%s", argv).doesNotContain(secret);
        }
    }

    @Test
    @Order(2)
    void gatesCannotWriteOutsideTheirTree() throws Exception {
        List<List<String>> writes = List.of(
                List.of("git", "diff", "--no-index", "--output=../../pwned", "README.md", "/dev/null"),
                List.of("git", "diff", "--no-index", "--output=" + outside.resolve("pwned"), "README.md", "/dev/null"),
                List.of("git", "diff", "--no-index", "--output=.git/hooks/post-commit", "README.md", "/dev/null"));
        for (List<String> argv : writes) {
            String id = submitJson(Json.canonical(Map.of("domain", "main", "title", "write " + argv.get(3),
                    "files", List.of(Map.of("path", "docs/write.md", "content", argv.get(3) + "\n")),
                    "gates", List.of(Map.of("name", "write", "run", argv)))));
            awaitTerminal(id);
        }
        assertThat(home.resolve("var/pwned")).doesNotExist();
        assertThat(outside.resolve("pwned")).doesNotExist();
        assertThat(workspace("main").resolve(".git/hooks/post-commit")).doesNotExist();
    }

    @Test
    @Order(3)
    void theVerdictJudgesThePathsTheApplierWrites() throws Exception {
        String prefixed = submitDiff("main", """
                --- a/secrets/prod.env
                +++ b/secrets/prod.env
                @@ -0,0 +1 @@
                +LEAK=1
                """);
        assertThat(awaitTerminal(prefixed).path("status").asText()).isEqualTo("Rejected");
        assertThat(violationCodes(prefixed)).contains("PATH_DENIED");

        // An odd prefix is read the same way by the verdict and the applier: judged as written, written as judged.
        String odd = submitDiff("main", """
                --- x/secrets/prod.env
                +++ x/secrets/prod.env
                @@ -0,0 +1 @@
                +LEAK=1
                """);
        String status = awaitTerminal(odd).path("status").asText();
        assertThat(workspace("main").resolve("secrets")).doesNotExist();
        if (status.equals("Succeeded")) {
            assertThat(workspace("main").resolve("x/secrets/prod.env")).hasContent("LEAK=1");
        }
    }

    @Test
    @Order(4)
    void renameOrCopyIntoADeniedPathIsRejected() throws Exception {
        String seed = submitJson("""
                {"domain":"main","title":"seed","files":[{"path":"docs/seed.txt","content":"seed\\n"}]}
                """);
        assertThat(awaitTerminal(seed).path("status").asText()).isEqualTo("Succeeded");
        for (String verb : List.of("rename", "copy")) {
            String id = submitDiff("main", """
                    diff --git a/docs/seed.txt b/secrets/seed.txt
                    similarity index 100%%
                    %1$s from docs/seed.txt
                    %1$s to secrets/seed.txt
                    """.formatted(verb));
            assertThat(awaitTerminal(id).path("status").asText()).as(verb).isEqualTo("Rejected");
            assertThat(violationCodes(id)).as(verb).contains("PATH_DENIED");
        }
    }

    @Test
    @Order(5)
    void hunkNumbersBeyondAnyFileFailAsThePatchsOwnFaultWithoutRetry() throws Exception {
        String id = submitDiff("main", """
                --- a/docs/seed.txt
                +++ b/docs/seed.txt
                @@ -99999999999,1 +1 @@
                -seed
                +grown
                """);
        JsonNode status = awaitTerminal(id);
        assertThat(status.path("status").asText()).isIn("Rejected", "Failed");
        assertThat(client.eventTypesOf(id)).doesNotContain("RetryScheduled", "Quarantined");
    }

    @Test
    @Order(6)
    void anIdThatCouldForgeATrailerIsRefused() throws Exception {
        PatchbayClient.Reply r = client.submit("application/json", """
                {"id":"x\\n\\nPatch-Id: other","domain":"main","files":[{"path":"docs/c.md","content":"c\\n"}]}
                """, null);
        assertThat(r.status()).isIn(400, 422);
        assertThat(r.body()).contains("id");
    }

    @Test
    @Order(7)
    void aBacktrackingHeaderIsAnsweredAndEndsThePatch() throws Exception {
        String line = "diff --git a/" + " b/".repeat(60_000) + "\n";
        PatchbayClient.Reply r = client.submit("text/x-diff", line, "domain=main");
        assertThat(r.status()).as(r.body()).isIn(202, 400, 422);
        if (r.status() == 202) {
            assertThat(awaitTerminal(r.json().path("id").asText()).path("status").asText()).isEqualTo("Rejected");
        }
    }

    @Test
    @Order(8)
    void aBinaryLiteralClaimingTwoGigabytesIsRefused() throws Exception {
        String id = submitDiff("main", """
                diff --git a/docs/big.bin b/docs/big.bin
                new file mode 100644
                index 0000000000000000000000000000000000000000..e69de29bb2d1d6434b8b29ae775ad8c2e48c5391
                GIT binary patch
                literal 2147483647
                zcmV?d00001

                literal 0
                HcmV?d00001

                """);
        assertThat(awaitTerminal(id).path("status").asText()).isIn("Rejected", "Failed");
        assertThat(client.eventTypesOf(id)).doesNotContain("RetryScheduled", "Quarantined");
        assertThat(workspace("main").resolve("docs/big.bin")).doesNotExist();
    }

    @Test
    @Order(9)
    void theContractSetsTheRiskAndASubmitTokenCannotApproveOrOperate() throws Exception {
        // No risk stated; the default contract's rule makes CI workflows high risk, which needs an approval.
        PatchbayClient.Reply r = client.submit(submitOnly, "application/json", """
                {"domain":"main","title":"by the bot","files":[{"path":".github/workflows/ci.yml","content":"on: push\\n"}]}
                """, null, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.status(id), "AwaitingApproval"::equals);
        JsonNode status = client.get("/v1/patches/" + id).json();
        assertThat(status.path("risk").asText()).isEqualToIgnoringCase("high");
        assertThat(status.path("riskRule").asText()).isEqualTo("CI workflows");

        for (String action : List.of("approve", "reject", "cancel", "retry", "release", "discard")) {
            PatchbayClient.Reply refused = client.act(submitOnly, id, action, "attempt");
            assertThat(refused.status()).as(action + ": " + refused.body()).isEqualTo(403);
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        }
        assertThat(client.status(id)).isEqualTo("AwaitingApproval");
        assertThat(client.act(secret, id, "cancel", "attack suite").status()).isEqualTo(202);
        assertThat(awaitTerminal(id).path("status").asText()).isEqualTo("Cancelled");
    }

    @Test
    @Order(10)
    void hooksPutInAWorkspaceNeverRun() throws Exception {
        Path hooks = workspace("main").resolve(".git/hooks");
        Files.createDirectories(hooks);
        for (String hook : List.of("pre-commit", "post-commit", "commit-msg", "prepare-commit-msg")) {
            Path h = hooks.resolve(hook);
            Files.writeString(h, "#!/bin/sh\necho ran > '" + outside.resolve(hook) + "'\n");
            h.toFile().setExecutable(true);
        }
        String id = submitJson("""
                {"domain":"main","title":"with hooks present","files":[{"path":"docs/hooks.md","content":"h\\n"}]}
                """);
        assertThat(awaitTerminal(id).path("status").asText()).isEqualTo("Succeeded");
        try (Stream<Path> left = Files.list(outside)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
        }
    }

    @Test
    @Order(11)
    void aSpoolFileSwappedForASymlinkIsNotRead() throws Exception {
        Path incoming = home.resolve("var/spool/main/incoming");
        await().until(() -> Files.isDirectory(incoming));
        Files.createSymbolicLink(incoming.resolve("leak.diff"), home.resolve("var/secrets/prod.env"));
        Path rejected = home.resolve("var/spool/main/rejected");
        Path reason = rejected.resolve("leak.diff.reason.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(reason));
        assertThat(incoming.resolve("leak.diff")).doesNotExist();
        assertThat(Files.readString(reason)).isNotBlank().doesNotContain(secret);
        assertThat(PatchbayClient.submits(patchbay.bootstrapServers()).stream().map(Json::canonical))
                .noneMatch(s -> s.contains(secret));
    }

    @Test
    @Order(100)
    void afterEveryAttackNothingOutsideTheTreeChangedAndTheSecretLeakedNowhere() throws Exception {
        assertThat(checksums()).isEqualTo(before);
        assertThat(workspace("main").resolve("secrets")).doesNotExist();
        for (Event e : client.events()) {
            assertThat(Json.canonical(e)).as("event %s of %s", e.type(), e.patchId()).doesNotContain(secret);
        }
        try (Stream<Path> summaries = Files.walk(home.resolve("var/summaries"))) {
            for (Path s : summaries.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(s)).as(s.toString()).doesNotContain(secret);
            }
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent line : logs.list) {
            assertThat(line.getFormattedMessage()).doesNotContain(secret);
        }
    }
}
