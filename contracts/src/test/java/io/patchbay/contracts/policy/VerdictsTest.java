package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictsTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "t1"
            domains:
              main:
                workspace: var/workspaces/main
                submitters: {tokens: [ci], spool: true, cli: false}
                paths: {allow: ["src/**", "docs/**", "README.md"], deny: ["src/secret/**", "**/*.pem"]}
                commands: {allow: [["make", "test"], ["echo"]]}
                limits: {patchBytes: 2000, files: 3}
              ops:
                workspace: var/workspaces/ops
                commands: {shell: true, allow: [["sh", "-c"]]}
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static Patch write(String domain, String... paths) {
        return new Patch(null, domain, "t", null, null, null,
                java.util.Arrays.stream(paths).map(p -> FileChange.write(p, "x")).toList(), null, null, null);
    }

    private static List<String> codes(Patch p, Submitter s) {
        return Verdicts.judge(p, s, CONTRACT, NOW).violations().stream().map(Violation::code).toList();
    }

    private static final Submitter CI = Submitter.http("ci");

    @Test
    void allowsPatchWithinTheContract() {
        Verdict v = Verdicts.judge(write("main", "src/a.txt", "README.md"), CI, CONTRACT, NOW);
        assertThat(v.allowed()).isTrue();
        assertThat(v.contractVersion()).isEqualTo("t1");
        assertThat(v.contractHash()).hasSize(64);
    }

    @ParameterizedTest
    @CsvSource({
        "../outside.txt, PATH_TRAVERSAL",
        "src/../../x, PATH_TRAVERSAL",
        "/etc/passwd, PATH_ABSOLUTE",
        ".git/config, PATH_GIT_DIR",
        "src/.git/hooks/pre-commit, PATH_GIT_DIR",
        "src/secret/key.txt, PATH_DENIED",
        "docs/cert.pem, PATH_DENIED",
        "build/out.txt, PATH_NOT_ALLOWED",
        "src\\a.txt, PATH_INVALID",
    })
    void refusesUnsafeOrUnlistedPaths(String path, String code) {
        assertThat(codes(write("main", path), CI)).containsExactly(code);
    }

    @Test
    void refusesControlCharactersInPaths() {
        assertThat(codes(write("main", "src/a\u0001b"), CI)).containsExactly("PATH_INVALID");
    }

    @Test
    void readsPathsFromDiffHeaders() {
        String diff = """
                diff --git a/src/a.txt b/../escape.txt
                --- a/src/a.txt
                +++ b/../escape.txt
                @@ -1 +1 @@
                -a
                +b
                """;
        Patch p = new Patch(null, "main", "t", null, null, diff, null, null, null, null);
        assertThat(codes(p, CI)).contains("PATH_TRAVERSAL");
    }

    @Test
    void refusesUnknownAndMissingDomain() {
        assertThat(codes(write("nope", "src/a"), CI)).containsExactly("DOMAIN_UNKNOWN");
        assertThat(codes(write(null, "src/a"), CI)).containsExactly("DOMAIN_MISSING");
    }

    @Test
    void checksSubmitterPerChannel() {
        assertThat(codes(write("main", "src/a"), Submitter.http("someone"))).containsExactly("SUBMITTER_NOT_ALLOWED");
        assertThat(codes(write("main", "src/a"), Submitter.spool("main"))).isEmpty();
        assertThat(codes(write("main", "src/a"), new Submitter("cli", "me"))).containsExactly("SUBMITTER_NOT_ALLOWED");
        assertThat(codes(write("main", "src/a"), new Submitter("slack", "U1"))).containsExactly("SUBMITTER_NOT_ALLOWED");
    }

    @Test
    void slackSubmittersAreAllowedByUserOrByTheChannelTheyPostIn() {
        ExecutionContract slack = ContractLoader.parse("""
                version: "s1"
                domains:
                  main:
                    workspace: w
                    submitters: {slackUsers: [U0ALICE], slackChannels: [C0MAIN]}
                """.getBytes(StandardCharsets.UTF_8), "test");
        Patch p = write("main", "a.txt");
        assertThat(Verdicts.judge(p, Submitter.slack("U0ALICE", "C0OTHER"), slack, NOW).allowed()).isTrue();
        assertThat(Verdicts.judge(p, Submitter.slack("U0BOB", "C0MAIN"), slack, NOW).allowed()).isTrue();
        assertThat(Verdicts.judge(p, Submitter.slack("U0BOB", "C0OTHER"), slack, NOW).violations())
                .extracting(Violation::code).containsExactly("SUBMITTER_NOT_ALLOWED");
        assertThat(Verdicts.judge(p, new Submitter("slack", "C0MAIN"), slack, NOW).allowed())
                .as("a channel id is not a user id").isFalse();
    }

    @Test
    void enforcesSizeAndFileLimits() {
        assertThat(codes(write("main", "src/a", "src/b", "src/c", "src/d"), CI)).containsExactly("TOO_MANY_FILES");
        Patch big = new Patch(null, "main", "t", null, null, null,
                List.of(FileChange.write("src/a", "x".repeat(3000))), null, null, null);
        assertThat(codes(big, CI)).containsExactly("PATCH_TOO_LARGE");
        assertThat(codes(new Patch(null, "main", "t", null, null, null, null, null, null, null), CI))
                .containsExactly("PATCH_EMPTY");
    }

    @Test
    void allowsOnlyListedCommandPrefixes() {
        Patch ok = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("src/a", "x")),
                List.of(List.of("make", "test", "-j2")), List.of(Gate.command("unit", List.of("make", "test"))), null);
        assertThat(codes(ok, CI)).isEmpty();
        Patch bad = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("src/a", "x")),
                List.of(List.of("make", "install")), List.of(Gate.command("rm", List.of("rm", "-rf", "x"))), null);
        assertThat(codes(bad, CI)).containsExactly("COMMAND_NOT_ALLOWED", "COMMAND_NOT_ALLOWED");
    }

    @Test
    void refusesShellAndMetacharactersWhereNoShellIsAllowed() {
        Patch shell = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("src/a", "x")),
                List.of(List.of("sh", "-c", "echo hi")), null, null);
        assertThat(codes(shell, CI)).containsExactly("SHELL_NOT_ALLOWED");
        Patch meta = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("src/a", "x")),
                List.of(List.of("echo", "hi; rm -rf /")), null, null);
        assertThat(codes(meta, CI)).containsExactly("SHELL_METACHARACTERS");
    }

    @Test
    void allowsShellWhereTheContractDoes() {
        Patch shell = new Patch(null, "ops", "t", null, null, null, List.of(FileChange.write("a", "x")),
                List.of(List.of("sh", "-c", "echo hi | wc -l")), null, null);
        assertThat(codes(shell, CI)).isEmpty();
    }

    @Test
    void reportsEveryViolationAtOnce() {
        Patch p = new Patch(null, "main", "t", null, null, null,
                List.of(FileChange.write("../a", "x"), FileChange.write(".git/HEAD", "x")),
                List.of(List.of("curl", "x")), null, null);
        assertThat(codes(p, Submitter.http("intruder")))
                .containsExactlyInAnyOrder("SUBMITTER_NOT_ALLOWED", "PATH_TRAVERSAL", "PATH_GIT_DIR", "COMMAND_NOT_ALLOWED");
    }

    @Test
    void violationsSpeakToPeople() {
        var v = Verdicts.judge(write("main", "../x"), CI, CONTRACT, NOW).violations().get(0);
        assertThat(v.subject()).isEqualTo("../x");
        assertThat(v.message()).contains("'..'").contains("outside");
    }

    @Test
    void refusesADiffThatCannotBeReadWithTheReadersReason() {
        Patch p = new Patch(null, "main", "t", null, null, "--- a/src/a.txt\n+++ b/src/a.txt\n@@ -99999999999,1 +1 @@\n-a\n+b\n",
                null, null, null, null);
        Verdict v = Verdicts.judge(p, CI, CONTRACT, NOW);
        assertThat(v.violations()).extracting(Violation::code).containsExactly("DIFF_INVALID");
        assertThat(v.violations().get(0).message()).contains("number too large");
    }

    @Test
    void judgesBothSidesOfARenameAndTheSourceOfACopy() {
        String rename = """
                diff --git a/src/a.txt b/src/secret/a.txt
                similarity index 100%
                rename from src/a.txt
                rename to src/secret/a.txt
                """;
        assertThat(codes(new Patch(null, "main", "t", null, null, rename, null, null, null, null), CI))
                .containsExactly("PATH_DENIED");
        String copy = """
                diff --git a/src/secret/k.txt b/src/k.txt
                similarity index 100%
                copy from src/secret/k.txt
                copy to src/k.txt
                """;
        assertThat(codes(new Patch(null, "main", "t", null, null, copy, null, null, null, null), CI))
                .containsExactly("PATH_DENIED");
    }

    @Test
    void judgesTheStrippedNameOfAQuotedGitHeader() {
        String diff = """
                diff --git "a/src/secret/k\\303\\251.txt" "b/src/secret/k\\303\\251.txt"
                --- "a/src/secret/k\\303\\251.txt"
                +++ "b/src/secret/k\\303\\251.txt"
                @@ -1 +1 @@
                -a
                +b
                """;
        Verdict v = Verdicts.judge(new Patch(null, "main", "t", null, null, diff, null, null, null, null), CI, CONTRACT, NOW);
        assertThat(v.violations()).extracting(Violation::subject).containsExactly("src/secret/k\u00e9.txt");
    }
}
