package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.patch.Risk;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the contract loader reads {@code risk.rules}, and refuses a rule that cannot work with its line and reason. */
class ContractRiskRulesTest {

    private static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "execution-contract.yml");
    }

    /** A contract with the given rule list under {@code domains.main.risk.rules}; the first rule is on line 8. */
    private static String withRules(String rules) {
        return """
                version: '1'
                domains:
                  main:
                    workspace: w
                    risk:
                      approvers: ["*"]
                      rules:
                """ + rules.indent(8);
    }

    private static void refused(String rules, int line, String reason) {
        assertThatThrownBy(() -> parse(withRules(rules))).isInstanceOfSatisfying(ContractException.class, e -> {
            assertThat(e.reason()).contains("domains.main.risk.rules").contains(reason);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.getMessage()).contains("execution-contract.yml");
        });
    }

    @Test
    void readsEachKindOfRule() {
        ExecutionContract c = parse(withRules("""
                - {name: CI, paths: [".github/**"], level: high}
                - {commands: [["git", "push"]], level: critical}
                - {changedLines: 500, level: medium}
                - {files: 20, level: medium}
                """));
        List<RiskRule> rules = c.domain("main").orElseThrow().risk().rules();
        assertThat(rules).extracting(RiskRule::level)
                .containsExactly(Risk.HIGH, Risk.CRITICAL, Risk.MEDIUM, Risk.MEDIUM);
        assertThat(rules).extracting(RiskRule::describe)
                .containsExactly("CI", "commands git push", "changedLines >= 500", "files >= 20");
    }

    @Test
    void aDomainWithoutRulesHasNone() {
        assertThat(parse("version: '1'\ndomains:\n  main:\n    workspace: w\n").domain("main").orElseThrow().risk().rules())
                .isEmpty();
    }

    @Test
    void theDefaultContractRaisesCiDeploymentAndMigrationsToHigh() {
        List<RiskRule> rules = ContractLoader.loadDefault().domain("main").orElseThrow().risk().rules();
        assertThat(rules).filteredOn(r -> r.level() == Risk.HIGH).flatExtracting(RiskRule::paths)
                .contains(".github/**", "deploy/**", "**/*.sql");
    }

    @Test
    void refusesAnUnknownLevel() {
        refused("""
                - {paths: ["a/**"], level: high}
                - {paths: ["b/**"], level: severe}
                """, 9, "a risk level is low, medium, high or critical");
    }

    @Test
    void refusesARuleWithoutALevel() {
        refused("- {paths: [\"a/**\"]}\n", 8, "a risk rule needs a level");
    }

    @Test
    void refusesANegativeOrZeroCount() {
        refused("- {changedLines: -5, level: high}\n", 8, "changedLines is a number of lines, at least 1");
        refused("- {paths: [\"a\"], level: low}\n- {files: 0, level: high}\n", 9, "files is a number of files, at least 1");
    }

    @Test
    void refusesEmptyGlobsAndEmptyCommands() {
        refused("- {paths: [], level: high}\n", 8, "a paths rule needs at least one glob");
        refused("- {commands: [], level: high}\n", 8, "a commands rule needs at least one argv prefix");
        refused("- {commands: [[]], level: high}\n", 8, "a command prefix needs at least a program name");
    }

    @Test
    void refusesARuleWithNoneOrSeveralConditions() {
        refused("- {name: nothing, level: high}\n", 8, "names exactly one of paths, commands, changedLines or files; this one names none");
        refused("""
                - {files: 3, level: low}
                - paths: ["a/**"]
                  files: 10
                  level: high
                """, 9, "this one names 2");
    }

    @Test
    void refusesGlobsThatCanNeverMatch() {
        refused("- {paths: [\"/etc/**\"], level: high}\n", 8, "the glob '/etc/**' is absolute");
        refused("- {paths: [\"src/[ab\"], level: high}\n", 8, "'src/[ab' is not a glob");
    }
}
