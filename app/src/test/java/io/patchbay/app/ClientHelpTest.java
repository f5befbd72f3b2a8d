package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHelpTest {

    @ParameterizedTest
    @ValueSource(strings = {"submit", "status"})
    void helpListsEveryExitCodeWithItsMeaning(String command) {
        AuditCommandTest.Run run = AuditCommandTest.cli(command, "--help");

        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("Exit codes:");
        ExitCodes.table().forEach((code, meaning) ->
                assertThat(run.out().replaceAll("\\s+", " ")).contains(code.strip() + " " + meaning.substring(0, 20)));
        assertThat(run.out()).contains("--timeout=<duration>").contains("--json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--timeout", "--json"})
    void followOptionsAreRefusedWhereTheyMeanNothing(String option) {
        String[] args = option.equals("--timeout") ? new String[] {"status", "abc", option, "5s"}
                : new String[] {"status", "--follow", option};
        assertThat(AuditCommandTest.cli(args).code()).isEqualTo(ExitCodes.USAGE);
    }
}
