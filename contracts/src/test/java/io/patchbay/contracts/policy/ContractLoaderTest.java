package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContractLoaderTest {

    private static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "execution-contract.yml");
    }

    @Test
    void defaultContractHasMainAndOps() {
        ExecutionContract c = ContractLoader.loadDefault();
        assertThat(c.domains()).containsOnlyKeys("main", "ops");
        assertThat(c.domain("main").orElseThrow().workspace()).isEqualTo("var/workspaces/main");
        assertThat(c.hash()).matches("[0-9a-f]{64}");
        assertThat(c.version()).isNotBlank();
    }

    @Test
    void fillsDefaultsForAMinimalDomain() {
        ExecutionContract c = parse("version: '1'\ndomains:\n  main:\n    workspace: w\n");
        DomainPolicy p = c.domain("main").orElseThrow();
        assertThat(p.paths().allow()).containsExactly("**");
        assertThat(p.retry().maxAttempts()).isEqualTo(3);
        assertThat(p.commands().shell()).isFalse();
    }

    @Test
    void unknownFieldNamesFileLineAndField() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    workspace: w\n    workspaec: x\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.file()).isEqualTo("execution-contract.yml");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.reason()).contains("workspaec").contains("not a contract field");
                });
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main: [unclosed\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.line()).isGreaterThan(0));
    }

    @Test
    void semanticProblemsNameFieldAndLine() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    workspace: w\n    limits:\n      commandTimeout: soon\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason()).contains("domains.main.limits.commandTimeout").contains("'soon' is not a duration");
                    assertThat(e.line()).isEqualTo(6);
                });
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    description: no workspace\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason()).contains("workspace"));
        assertThatThrownBy(() -> parse("domains:\n  Main_1:\n    workspace: w\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("version").contains("Main_1"));
    }

    @Test
    void hashChangesWithContent() {
        String a = parse("version: '1'\ndomains:\n  main:\n    workspace: w\n").hash();
        String b = parse("version: '1'\ndomains:\n  main:\n    workspace: w2\n").hash();
        assertThat(a).isNotEqualTo(b);
    }
}
