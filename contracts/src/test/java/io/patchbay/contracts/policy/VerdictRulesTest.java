package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.NodeTargets;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.patch.Risk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test, allowing and denying, for each rule of the verdict that VerdictsTest does not cover. */
class VerdictRulesTest {

    /** A Monday, 12:00 in Berlin. */
    private static final Instant MONDAY_NOON = Instant.parse("2026-11-23T11:00:00Z");
    private static final Submitter CI = Submitter.http("ci");

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "rules-1"
            routes:
              nodeTargets: {web: main}
            domains:
              main:
                workspace: ws/main
                nodePathPrefix: /srv/web
                commands: {allow: [["echo"]]}
                risk:
                  approvers: ["http:lead", "http:second", "slack:U1"]
                  fourEyes: true
                  levels:
                    medium: {approvals: 1}
                    high:
                      approvals: 2
                      windows: [{days: [mon-fri], from: "09:00", to: "17:00", zone: "Europe/Berlin"}]
                    critical: {allowed: false}
              lax:
                workspace: ws/lax
                nodePathPrefix: /srv/lax
                paths: {portable: false}
                commands: {shell: true, allow: [["sh", "-c"]]}
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static Patch write(String domain, Risk risk, String... paths) {
        return new Patch(null, domain, "t", risk, null, null,
                java.util.Arrays.stream(paths).map(p -> FileChange.write(p, "x")).toList(), null, null, null);
    }

    private static Verdict judge(Patch p, Instant now) {
        return Verdicts.judge(p, CI, CONTRACT, now);
    }

    private static List<String> codes(Patch p) {
        return judge(p, MONDAY_NOON).violations().stream().map(Violation::code).toList();
    }

    // ---- file names ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"src/a.txt", "docs/read me.md", "a/.hidden", "ünïcödé/名前.txt", "x..y", "a/b/c.d.e"})
    void allowsOrdinaryNames(String path) {
        assertThat(codes(write("main", null, path))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "a/", "./a", "a/./b", "a\u007fb", "a\tb"})
    void refusesEmptyDotAndControlParts(String path) {
        assertThat(codes(write("main", null, path))).containsExactly("PATH_INVALID");
    }

    @Test
    void refusesOverlyLongNamesAndPaths() {
        assertThat(codes(write("main", null, "a".repeat(255)))).isEmpty();
        assertThat(codes(write("main", null, "a".repeat(256)))).containsExactly("PATH_TOO_LONG");
        // 128 two-byte letters are 256 bytes: the limit is in bytes, as file systems count.
        assertThat(codes(write("main", null, "é".repeat(128)))).containsExactly("PATH_TOO_LONG");
        String deep = String.join("/", java.util.Collections.nCopies(500, "abcdefghi"));
        assertThat(codes(write("main", null, deep))).containsExactly("PATH_TOO_LONG");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CON", "src/nul.txt", "aux.c", "Com1", "lpt9.log", "notes:v2.txt", "what?.md", "x.", "y ", "a|b",
        "docs/<tmp>"})
    void refusesNamesOtherPlatformsCannotCheckOut(String path) {
        List<Violation> v = judge(write("main", null, path), MONDAY_NOON).violations();
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("PATH_NOT_PORTABLE");
            assertThat(x.message()).contains(path.contains("/") ? path.substring(path.indexOf('/') + 1) : path);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"CON", "aux.c", "notes:v2.txt", "x."})
    void allowsUnportableNamesWhereTheContractDoes(String path) {
        assertThat(codes(write("lax", null, path))).isEmpty();
    }

    @Test
    void allowsNamesThatOnlyResembleReservedOnes() {
        assertThat(codes(write("main", null, "console.txt", "null", "com10", "auxiliary.c"))).isEmpty();
    }

    // ---- risk ---------------------------------------------------------------------------------

    @Test
    void lowRiskNeedsNoApprovalAndNoWindow() {
        Verdict v = judge(write("main", Risk.LOW, "a"), MONDAY_NOON);
        assertThat(v.allowed()).isTrue();
        assertThat(v.needsApproval()).isFalse();
        assertThat(v.heldForWindow()).isFalse();
    }

    @Test
    void mediumRiskNeedsOneApprovalButIsNoViolation() {
        Verdict v = judge(write("main", Risk.MEDIUM, "a"), MONDAY_NOON);
        assertThat(v.allowed()).isTrue();
        assertThat(v.approvalsNeeded()).isEqualTo(1);
        assertThat(v.needsApproval()).isTrue();
    }

    @Test
    void highRiskInsideItsWindowIsNotHeld() {
        Verdict v = judge(write("main", Risk.HIGH, "a"), MONDAY_NOON);
        assertThat(v.approvalsNeeded()).isEqualTo(2);
        assertThat(v.holdUntil()).isNull();
    }

    @Test
    void highRiskOutsideItsWindowIsHeldUntilItOpens() {
        Instant fridayEvening = Instant.parse("2026-11-27T17:30:00Z");
        Verdict v = judge(write("main", Risk.HIGH, "a"), fridayEvening);
        assertThat(v.allowed()).isTrue();
        assertThat(v.heldForWindow()).isTrue();
        // Monday 09:00 in Berlin is 08:00 UTC in winter.
        assertThat(v.holdUntil()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    }

    @Test
    void criticalRiskIsRefusedWhereTheContractTakesNone() {
        List<Violation> v = judge(write("main", Risk.CRITICAL, "a"), MONDAY_NOON).violations();
        assertThat(v).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("RISK_NOT_ALLOWED");
            assertThat(x.message()).contains("critical");
        });
        assertThat(codes(write("lax", Risk.CRITICAL, "a"))).isEmpty();
    }

    // ---- approvals ----------------------------------------------------------------------------

    @Test
    void onlyListedApproversOtherThanTheSubmitterMayApprove() {
        DomainPolicy main = CONTRACT.domain("main").orElseThrow();
        Submitter lead = Submitter.http("lead");
        assertThat(Holds.approvalRefusal(main, CI, lead)).isEmpty();
        assertThat(Holds.approvalRefusal(main, CI, new Submitter("slack", "U1"))).isEmpty();
        assertThat(Holds.approvalRefusal(main, CI, Submitter.http("mallory"))).get().asString()
                .contains("not among the domain's approvers");
        assertThat(Holds.approvalRefusal(main, lead, lead)).get().asString().contains("four eyes");
        assertThat(Holds.approvalRefusal(main, lead, null)).isPresent();
    }

    @Test
    void withoutFourEyesASubmitterMayApproveTheirOwnPatch() {
        DomainPolicy p = ContractLoader.parse("""
                version: "1"
                domains:
                  d: {workspace: w, risk: {approvers: ["http:lead"], fourEyes: false}}
                """.getBytes(StandardCharsets.UTF_8), "t").domain("d").orElseThrow();
        assertThat(Holds.approvalRefusal(p, Submitter.http("lead"), Submitter.http("lead"))).isEmpty();
    }

    @Test
    void onlyListedApproversMayRejectAndFourEyesDoesNotStopASubmitterTurningDownTheirOwnPatch() {
        DomainPolicy main = CONTRACT.domain("main").orElseThrow();
        assertThat(Holds.rejectionRefusal(main, Submitter.http("lead"))).isEmpty();
        assertThat(Holds.rejectionRefusal(main, Submitter.http("mallory"))).get().asString()
                .contains("not among the domain's approvers");
        assertThat(Holds.rejectionRefusal(main, null)).isPresent();
        DomainPolicy lax = CONTRACT.domain("lax").orElseThrow();
        assertThat(Holds.rejectionRefusal(lax, Submitter.http("anyone"))).get().asString().contains("http:anyone");
    }

    // ---- retries ------------------------------------------------------------------------------

    @Test
    void backoffDoublesFromRetryToRetryUpToItsCap() {
        var retry = new DomainPolicy.Retry(5, "2s", "10s", null);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(retry::backoffBefore).toList())
                .containsExactly(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(4),
                        java.time.Duration.ofSeconds(8), java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(10));
        assertThat(retry.backoffBefore(Integer.MAX_VALUE)).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(new DomainPolicy.Retry(3, "0s", "1m", null).backoffBefore(3)).isZero();
    }

    // ---- commands and gates -------------------------------------------------------------------

    @Test
    void refusesEmptyCommandsAndGatesThatDoNothing() {
        Patch p = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")),
                List.of(List.of()), List.of(new Gate("nothing", null, null, null),
                        new Gate("slow", List.of("echo"), "soon", null)), null);
        assertThat(codes(p)).containsExactly("COMMAND_EMPTY", "GATE_INVALID", "GATE_INVALID");
        Patch ok = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")),
                List.of(List.of("echo", "hi")), List.of(new Gate("fast", List.of("echo"), "30s", null),
                        Gate.fileContains("text", "a", "x")), null);
        assertThat(codes(ok)).isEmpty();
    }

    @Test
    void fileCheckGatesAreHeldToThePathRules() {
        Patch p = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")), null,
                List.of(Gate.fileContains("peek", "../../etc/passwd", "root")), null);
        assertThat(codes(p)).containsExactly("PATH_TRAVERSAL");
    }

    @Test
    void nodeRunnerShellStepsRunOnlyWhereTheContractAllowsAShell() {
        String block = """
                {"blockId": "b", "target": "%s", "mutations": [{"path": "/srv/%s/a.js", "contents": "x"}],
                 "postMutationBuild": {"shell": ["npm run build"]}, "validate": {"shell": ["npm test"]}}
                """;
        Patch strict = PatchReader.read(block.formatted("web", "web").getBytes(StandardCharsets.UTF_8),
                PatchReader.Format.JSON, null, CONTRACT);
        assertThat(codes(strict)).containsExactly("SHELL_NOT_ALLOWED", "SHELL_NOT_ALLOWED");
        Patch lax = PatchReader.read(block.formatted("lax", "lax").getBytes(StandardCharsets.UTF_8),
                PatchReader.Format.JSON, null, CONTRACT);
        assertThat(codes(lax)).isEmpty();
        assertThat(NodeTargets.NONE.domainOfNodeTarget("web")).isEmpty();
    }
}
