package io.patchbay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BubblewrapTest {

    @TempDir
    Path tree;

    @Test
    void probeOfTheInstalledBubblewrapFindsItWorking() {
        Bubblewrap bwrap = Bubblewrap.onSystemPath();
        assumeTrue(Files.isExecutable(bwrap.executable()), "bubblewrap is not installed here; .ci/run installs it");

        assertThat(bwrap.probe()).isEqualTo(SandboxStatus.AVAILABLE);
    }

    @Test
    void probeOfAProgramThatIsNotBubblewrapSaysItCannotMakeASandbox() {
        // /usr/bin/false exits 1 whatever it is given, as a bwrap refused its namespaces would.
        SandboxStatus s = new Bubblewrap(Path.of("/usr/bin/false")).probe();

        assertThat(s.available()).isFalse();
        assertThat(s.reason()).contains("cannot make a sandbox here");
    }

    @Test
    void probeOfAMissingProgramNamesIt() {
        SandboxStatus s = new Bubblewrap(tree.resolve("bwrap")).probe();

        assertThat(s.available()).isFalse();
        assertThat(s.reason()).contains(tree.resolve("bwrap").toString());
    }

    @Test
    void commandBindsOnlyTheTreeWritableAndHidesAHomeUnderASystemFolder() throws Exception {
        List<String> cmd = new Bubblewrap(Path.of("/usr/bin/bwrap"))
                .command(tree, List.of(Path.of("/usr/local/patchbay"), Path.of("/srv/patchbay")), false,
                        List.of("--help"));
        String real = tree.toRealPath().toString();

        assertThat(String.join(" ", cmd)).contains("--tmpfs /usr/local/patchbay").doesNotContain("/srv/patchbay")
                .contains("--bind " + real + " " + real).contains("--unshare-all").contains("--cap-drop ALL")
                .doesNotContain("--share-net").doesNotContain("--bind / ").doesNotContain("--ro-bind /etc /etc");
        assertThat(cmd.indexOf("--tmpfs")).isLessThan(cmd.indexOf("--bind"));
        // The command comes after "--", so an argv[0] that looks like an option is a program name.
        assertThat(cmd.subList(cmd.indexOf("--"), cmd.size())).containsExactly("--", "--help");
    }

    @Test
    void commandSharesTheNetworkOnlyWhenAsked() throws Exception {
        assertThat(new Bubblewrap(Path.of("/usr/bin/bwrap")).command(tree, List.of(), true, List.of("true")))
                .contains("--share-net");
    }

    @Test
    void reportNamesTheDomainsThatRunCommandsUnconfined() {
        ExecutionContract c = ContractLoader.parse("""
                version: "1"
                domains:
                  a: {workspace: a}
                  b: {workspace: b, commands: {sandbox: none}}
                """.getBytes(StandardCharsets.UTF_8), "test");

        assertThat(SandboxReport.unconfined(c)).containsExactly("b");
    }
}
