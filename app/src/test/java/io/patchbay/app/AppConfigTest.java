package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

    @TempDir
    Path dir;

    @Test
    void submitTokenIsCreatedOncePrivateAndReused() throws Exception {
        Path file = dir.resolve("var/secrets/submit-token");
        String token = SubmitToken.loadOrCreate(file);
        assertThat(token).startsWith("pb_").hasSizeGreaterThan(30);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(SubmitToken.loadOrCreate(file)).isEqualTo(token);
        assertThat(SubmitToken.loadOrCreate(dir.resolve("other/token"))).isNotEqualTo(token);
    }

    @Test
    void configRefusesImpossiblePortsAndPartitions() {
        assertThatThrownBy(() -> new PatchbayConfig(dir, "127.0.0.1", 70000, 0, null, null, 3, (short) 1))
                .hasMessageContaining("ports");
        assertThatThrownBy(() -> new PatchbayConfig(dir, "127.0.0.1", 0, 0, null, null, 0, (short) 1))
                .hasMessageContaining("partitions");
    }

    @Test
    void blankBootstrapMeansTheEmbeddedBroker() {
        assertThat(new PatchbayConfig(dir, "h", 1, 2, " ", null, 3, (short) 1).embeddedKafka()).isTrue();
        assertThat(new PatchbayConfig(dir, "h", 1, 2, "k:9092", null, 3, (short) 1).embeddedKafka()).isFalse();
        assertThat(PatchbayConfig.local(dir).var()).isEqualTo(dir.toAbsolutePath().resolve("var"));
    }

    @Test
    void everyOperatorActionIsACommandNamedForIt() {
        var out = new java.io.StringWriter();
        int code = Main.commandLine().setOut(new java.io.PrintWriter(out)).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("approve", "reject", "retry", "release", "discard", "cancel", "check",
                "audit", "domain");
        var help = new java.io.StringWriter();
        Main.commandLine().setOut(new java.io.PrintWriter(help)).execute("release", "--help");
        assertThat(help.toString()).contains("Usage: patchbay release").contains("from quarantine back into its queue");
    }

    @Test
    void upRefusesAnInvalidContractNamingFileLineAndReason() throws Exception {
        Path contract = dir.resolve("bad.yml");
        Files.writeString(contract, "version: '1'\ndomains:\n  main:\n    workspace: w\n    pathz: {}\n");
        var err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("up", "--home", dir.toString(), "--contract", contract.toString());
        } finally {
            System.setErr(old);
        }
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(contract.toString() + ":5").contains("pathz");
        assertThat(dir.resolve("var/kafka")).doesNotExist();
    }
}
