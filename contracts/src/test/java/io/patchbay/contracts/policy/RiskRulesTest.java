package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contract's risk rules: how the verdict sets a patch's effective level from what the patch does. */
class RiskRulesTest {

    /** A Monday, 12:00 in Berlin. */
    private static final Instant MONDAY_NOON = Instant.parse("2026-11-23T11:00:00Z");
    private static final Submitter CI = Submitter.http("ci");

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "risk-rules-1"
            domains:
              main:
                workspace: ws/main
                commands: {allow: [["echo"], ["git"], ["make"]]}
                gates:
                  defaults: [{name: lint, run: ["make", "lint"]}]
                risk:
                  approvers: ["*"]
                  levels:
                    medium: {approvals: 1}
                    high:
                      approvals: 2
                      windows: [{days: [mon-fri], from: "09:00", to: "17:00", zone: "Europe/Berlin"}]
                    critical: {allowed: false}
                  rules:
                    - {paths: [".github/**", "deploy/**"], level: high}
                    - {name: migrations, paths: ["**/*.sql"], level: medium}
                    - {commands: [["git", "push"]], level: critical}
                    - {commands: [["make", "lint"]], level: medium}
                    - {changedLines: 10, level: medium}
                    - {files: 5, level: medium}
              gated:
                workspace: ws/gated
                commands: {allow: [["echo"], ["make"]]}
                gates:
                  required: [{name: deploy, run: ["make", "deploy"]}]
                risk:
                  rules:
                    - {commands: [["make", "deploy"]], level: high}
              plain:
                workspace: ws/plain
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static Patch write(String domain, Risk risk, String... paths) {
        return new Patch(null, domain, "t", risk, null, null,
                Arrays.stream(paths).map(p -> FileChange.write(p, "x")).toList(), null, null, null);
    }

    /** One file write, with a gate of its own so that the domain's default gate does not run. */
    private static Patch quiet(String domain, Risk risk, String path) {
        return new Patch(null, domain, "t", risk, null, null, List.of(FileChange.write(path, "x")), null,
                List.of(Gate.fileContains("has x", path, "x")), null);
    }

    private static Verdict judge(Patch p) {
        return Verdicts.judge(p, CI, CONTRACT, MONDAY_NOON);
    }

    // ---- each kind of rule ---------------------------------------------------------------------

    @Test
    void aPathsRuleRaisesAPatchThatTouchesAMatchingPath() {
        Verdict v = judge(quiet("main", null, ".github/workflows/ci.yml"));
        assertThat(v.allowed()).isTrue();
        assertThat(v.risk()).isEqualTo(Risk.HIGH);
        assertThat(v.riskRule()).isEqualTo("paths .github/**, deploy/**");
        assertThat(v.approvalsNeeded()).isEqualTo(2);

        Verdict other = judge(quiet("main", null, "src/app.java"));
        assertThat(other.risk()).isEqualTo(Risk.LOW);
        assertThat(other.riskRule()).isEqualTo(RiskAssessment.DEFAULT);
        assertThat(other.approvalsNeeded()).isZero();
    }

    @Test
    void aPathsRuleSeesThePathsOfTheDiffAsTheVerdictDoes() {
        String diff = """
                diff --git a/deploy/prod.yml b/deploy/prod.yml
                --- a/deploy/prod.yml
                +++ b/deploy/prod.yml
                @@ -1 +1 @@
                -replicas: 2
                +replicas: 3
                """;
        Patch p = new Patch(null, "main", "t", null, null, diff, null, null,
                List.of(Gate.fileContains("g", "deploy/prod.yml", "3")), null);
        assertThat(p.touchedPaths()).containsExactly("deploy/prod.yml");
        assertThat(judge(p).risk()).isEqualTo(Risk.HIGH);
    }

    @Test
    void aNamedRuleIsCalledByItsName() {
        Verdict v = judge(quiet("main", null, "db/0042_add_index.sql"));
        assertThat(v.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(v.riskRule()).isEqualTo("migrations");
    }

    @Test
    void aCommandsRuleMatchesThePatchsCommandsByArgvPrefix() {
        Patch push = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")),
                List.of(List.of("git", "push", "origin", "main")), List.of(Gate.fileContains("g", "a", "x")), null);
        Verdict v = judge(push);
        assertThat(v.risk()).isEqualTo(Risk.CRITICAL);
        assertThat(v.riskRule()).isEqualTo("commands git push");
        // Critical is not allowed in main: the refusal says which rule made it critical.
        assertThat(v.violations()).singleElement().satisfies(x -> {
            assertThat(x.code()).isEqualTo("RISK_NOT_ALLOWED");
            assertThat(x.message()).contains("critical").contains("commands git push");
        });

        Patch gitPushy = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")),
                List.of(List.of("git", "pushy")), List.of(Gate.fileContains("g", "a", "x")), null);
        assertThat(judge(gitPushy).risk()).isEqualTo(Risk.LOW);
    }

    @Test
    void aCommandsRuleMatchesTheGatesThatWouldRun() {
        // main's default gate "make lint" runs when a patch names no gates of its own ...
        Verdict withDefaults = judge(write("main", null, "a"));
        assertThat(withDefaults.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(withDefaults.riskRule()).isEqualTo("commands make lint");
        // ... and not when it names one, so then the rule does not match.
        assertThat(judge(quiet("main", null, "a")).risk()).isEqualTo(Risk.LOW);
        // A required gate runs whatever the patch says.
        Verdict required = judge(quiet("gated", null, "a"));
        assertThat(required.risk()).isEqualTo(Risk.HIGH);
        assertThat(required.riskRule()).isEqualTo("commands make deploy");
        // So does a command gate the patch brings itself.
        Patch ownGate = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")), null,
                List.of(Gate.command("push", List.of("git", "push"))), null);
        assertThat(judge(ownGate).risk()).isEqualTo(Risk.CRITICAL);
    }

    @Test
    void aChangedLinesRuleCountsAddedAndRemovedLinesFromTheThresholdOn() {
        assertThat(judge(diffPatch(9)).risk()).isEqualTo(Risk.LOW);
        Verdict v = judge(diffPatch(10));
        assertThat(v.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(v.riskRule()).isEqualTo("changedLines >= 10");
    }

    @Test
    void aChangedLinesRuleCountsTheLinesOfFileWrites() {
        Patch nine = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "1\n".repeat(9))),
                null, List.of(Gate.fileContains("g", "a", "1")), null);
        Patch ten = new Patch(null, "main", "t", null, null, null,
                List.of(FileChange.write("a", "1\n".repeat(9)), FileChange.write("b", "no final newline")),
                null, List.of(Gate.fileContains("g", "a", "1")), null);
        assertThat(judge(nine).risk()).isEqualTo(Risk.LOW);
        assertThat(judge(ten).risk()).isEqualTo(Risk.MEDIUM);
    }

    @Test
    void aFilesRuleCountsTouchedFilesFromTheThresholdOn() {
        assertThat(judge(write("plain", null, "a", "b", "c", "d")).risk()).isEqualTo(Risk.LOW);
        Patch four = new Patch(null, "main", "t", null, null, null,
                Arrays.stream(new String[] {"a", "b", "c", "d"}).map(p -> FileChange.write(p, "x")).toList(), null,
                List.of(Gate.fileContains("g", "a", "x")), null);
        Patch five = new Patch(null, "main", "t", null, null, null,
                Arrays.stream(new String[] {"a", "b", "c", "d", "e"}).map(p -> FileChange.write(p, "x")).toList(), null,
                List.of(Gate.fileContains("g", "a", "x")), null);
        assertThat(judge(four).risk()).isEqualTo(Risk.LOW);
        Verdict v = judge(five);
        assertThat(v.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(v.riskRule()).isEqualTo("files >= 5");
    }

    // ---- combining rules and the submitter's level ---------------------------------------------

    @Test
    void theHighestMatchingLevelWins() {
        // Matches "migrations" (medium), ".github/**" (high) and "files >= 5" (medium).
        Patch p = new Patch(null, "main", "t", null, null, null,
                Arrays.stream(new String[] {"a.sql", "b", "c", "d", ".github/CODEOWNERS"})
                        .map(x -> FileChange.write(x, "x")).toList(), null, List.of(Gate.fileContains("g", "b", "x")), null);
        Verdict v = judge(p);
        assertThat(v.risk()).isEqualTo(Risk.HIGH);
        assertThat(v.riskRule()).isEqualTo("paths .github/**, deploy/**");
    }

    @Test
    void amongEqualLevelsTheFirstRuleNamesTheLevel() {
        // "migrations" and "files >= 5" both say medium; migrations comes first in the contract.
        Patch p = new Patch(null, "main", "t", null, null, null,
                Arrays.stream(new String[] {"b", "c", "d", "e", "a.sql"}).map(x -> FileChange.write(x, "x")).toList(), null,
                List.of(Gate.fileContains("g", "b", "x")), null);
        assertThat(judge(p).riskRule()).isEqualTo("migrations");
    }

    @Test
    void theSubmitterMayRaiseTheLevel() {
        Verdict v = judge(quiet("main", Risk.HIGH, "db/x.sql"));
        assertThat(v.risk()).isEqualTo(Risk.HIGH);
        assertThat(v.riskRule()).isEqualTo(RiskAssessment.SUBMITTER);
        assertThat(v.approvalsNeeded()).isEqualTo(2);
    }

    @Test
    void theSubmitterNeverLowersTheLevelARuleSets() {
        Verdict v = judge(quiet("main", Risk.LOW, "deploy/prod.yml"));
        assertThat(v.risk()).isEqualTo(Risk.HIGH);
        assertThat(v.riskRule()).isEqualTo("paths .github/**, deploy/**");
        assertThat(v.approvalsNeeded()).isEqualTo(2);
        // The same level from both: the contract's rule is named, as it would have set it anyway.
        assertThat(judge(quiet("main", Risk.HIGH, "deploy/prod.yml")).riskRule()).isEqualTo("paths .github/**, deploy/**");
    }

    @Test
    void noRiskStatedAndNoRuleMatchedIsLow() {
        Verdict v = judge(write("plain", null, "a"));
        assertThat(v.allowed()).isTrue();
        assertThat(v.risk()).isEqualTo(Risk.LOW);
        assertThat(v.riskRule()).isEqualTo(RiskAssessment.DEFAULT);
        Verdict stated = judge(write("plain", Risk.LOW, "a"));
        assertThat(stated.risk()).isEqualTo(Risk.LOW);
        assertThat(stated.riskRule()).isEqualTo(RiskAssessment.SUBMITTER);
    }

    @Test
    void theEffectiveLevelDecidesTheChangeWindow() {
        Instant fridayEvening = Instant.parse("2026-11-27T17:30:00Z");
        Verdict v = Verdicts.judge(quiet("main", null, ".github/workflows/ci.yml"), CI, CONTRACT, fridayEvening);
        assertThat(v.heldForWindow()).isTrue();
        assertThat(v.holdUntil()).isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
        assertThat(Verdicts.judge(quiet("main", null, "src/a"), CI, CONTRACT, fridayEvening).heldForWindow()).isFalse();
    }

    @Test
    void aDomainWithoutRulesKeepsTheSubmittersLevel() {
        assertThat(judge(write("plain", Risk.HIGH, ".github/x")).risk()).isEqualTo(Risk.HIGH);
        assertThat(judge(write("plain", null, ".github/x")).risk()).isEqualTo(Risk.LOW);
    }

    @Test
    void anUnknownDomainHasNoLevel() {
        Verdict v = judge(write("nowhere", Risk.HIGH, "a"));
        assertThat(v.violations()).extracting(Violation::code).containsExactly("DOMAIN_UNKNOWN");
        assertThat(v.risk()).isNull();
    }

    @Test
    void theDryRunReportSaysTheLevelAndItsRule() {
        PatchCheck c = new PatchCheck(quiet("main", null, "deploy/x"), List.of(), judge(quiet("main", null, "deploy/x")));
        assertThat(c.lines()).contains("risk high, by the contract's rule 'paths .github/**, deploy/**'");
    }

    /** A diff of one file with {@code changed} added and removed lines, and file headers that must not count. */
    private static Patch diffPatch(int changed) {
        var sb = new StringBuilder("diff --git a/src/a.txt b/src/a.txt\n--- a/src/a.txt\n+++ b/src/a.txt\n");
        int removed = changed / 2;
        int added = changed - removed;
        sb.append("@@ -1,").append(removed + 1).append(" +1,").append(added + 1).append(" @@\n context\n");
        for (int i = 0; i < removed; i++) {
            sb.append("-old ").append(i).append('\n');
        }
        for (int i = 0; i < added; i++) {
            sb.append("+new ").append(i).append('\n');
        }
        return new Patch(null, "main", "t", null, null, sb.toString(), null, null,
                List.of(Gate.fileContains("g", "src/a.txt", "new")), null);
    }
}
