package io.patchbay.executor.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    void environmentWithoutTheSettingUsesBwrapFromTheSystemPath() {
        assertThat(Bubblewrap.fromEnv(Map.of())).isEqualTo(Bubblewrap.onSystemPath());
        assertThat(Bubblewrap.fromEnv(Map.of(Bubblewrap.ENV, " "))).isEqualTo(Bubblewrap.onSystemPath());
        assertThat(Bubblewrap.onSystemPath().executable().getFileName().toString()).isEqualTo("bwrap");
    }

    @Test
    void environmentSettingAnAbsolutePathIsTheProgramTheProbeTries() {
        Path missing = tree.resolve("elsewhere/bwrap");

        Bubblewrap bwrap = Bubblewrap.fromEnv(Map.of(Bubblewrap.ENV, missing.toString()));

        assertThat(bwrap.executable()).isEqualTo(missing);
        assertThat(bwrap.probe().reason()).contains(missing.toString());
    }

    @Test
    void environmentSettingABareNameLooksItUpOnTheSystemPathOnly() {
        // "env" is in /usr/bin on every Debian; a name the system PATH lacks points where it would be.
        assertThat(Bubblewrap.fromEnv(Map.of(Bubblewrap.ENV, "env")).executable()).isEqualTo(Path.of("/usr/bin/env"));
        assertThat(Bubblewrap.fromEnv(Map.of(Bubblewrap.ENV, "no-such-bwrap-here")).probe().available()).isFalse();
    }

    @Test
    void environmentSettingARelativePathIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> Bubblewrap.fromEnv(Map.of(Bubblewrap.ENV, "tools/bwrap")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(Bubblewrap.ENV)
                .hasMessageContaining("tools/bwrap");
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
