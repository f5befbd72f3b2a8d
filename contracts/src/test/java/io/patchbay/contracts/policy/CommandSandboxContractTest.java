package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's say on where commands run ({@code commands.sandbox}, {@code commands.network}) and which program they name. */
class CommandSandboxContractTest {

    private static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "execution-contract.yml");
    }

    private static DomainPolicy.Commands commands(String block) {
        return parse("version: '1'\ndomains:\n  main:\n    workspace: w\n" + block).domain("main").orElseThrow()
                .commands();
    }

    @Test
    void commandsAreSandboxedWithoutNetworkUnlessTheContractSaysOtherwise() {
        DomainPolicy.Commands c = commands("");

        assertThat(c.sandbox()).isEqualTo("bubblewrap");
        assertThat(c.sandboxed()).isTrue();
        assertThat(c.network()).isFalse();
    }

    @Test
    void sandboxNoneAndNetworkAreReadWhenWrittenOut() {
        DomainPolicy.Commands c = commands("    commands:\n      sandbox: none\n      network: true\n");

        assertThat(c.sandboxed()).isFalse();
        assertThat(c.network()).isTrue();
    }

    @Test
    void unknownSandboxIsRefusedAtLoad() {
        assertThatThrownBy(() -> commands("    commands:\n      sandbox: firejail\n"))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("sandbox")
                .hasMessageContaining("bubblewrap");
    }

    @Test
    void defaultContractSandboxesItsDomains() {
        ExecutionContract c = ContractLoader.loadDefault();

        assertThat(c.domains().values()).allSatisfy(p -> {
            assertThat(p.commands().sandboxed()).isTrue();
            assertThat(p.commands().network()).isFalse();
        });
    }

    // ---- argv[0] -------------------------------------------------------------------------------

    private static final ExecutionContract LISTED = parse("""
            version: "t1"
            domains:
              main:
                workspace: w
                commands:
                  allow: [["./gradlew", "test"], ["/usr/bin/make"], ["bin/tool"], ["../tool"], ["make"]]
            """);

    private static List<String> codes(List<String> argv) {
        Patch p = new Patch(null, "main", "t", null, null, null, List.of(FileChange.write("a", "x")), List.of(argv),
                null, null);
        return Verdicts.judge(p, Submitter.http("ci"), LISTED, Instant.EPOCH).violations().stream()
                .map(Violation::code).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/make", "bin/tool", "../tool", "/tmp/x"})
    void programNamedByAPathIsRefusedEvenWhenListed(String program) {
        assertThat(codes(List.of(program))).containsExactly("COMMAND_PATH_NOT_ALLOWED");
    }

    @Test
    void programOfTheTreeRunsOnlyWhereTheAllowlistNamesItWithDotSlash() {
        assertThat(codes(List.of("./gradlew", "test", "--offline"))).isEmpty();
        assertThat(codes(List.of("make", "all"))).isEmpty();
        assertThat(codes(List.of("./make"))).containsExactly("COMMAND_NOT_ALLOWED");
    }
}
