package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's {@code patchbay} script on a fresh clone: its first build says what it is doing.
 * Maven is replaced by a script on PATH that prints what Maven prints, so the test takes no minute.
 */
class PatchbayScriptTest {

    private static final String MAVEN_LINES = """
            [INFO] Scanning for projects...
            [INFO] --------------------< io.patchbay:patchbay-contracts >--------------------
            [INFO] Building patchbay contracts 0.1.0-SNAPSHOT                         [1/3]
            [INFO] --- compiler:3.13.0:compile (default-compile) @ patchbay-contracts ---
            [INFO] Building patchbay ingest 0.1.0-SNAPSHOT                            [2/3]
            [INFO] Building patchbay app 0.1.0-SNAPSHOT                               [3/3]
            """;

    @TempDir
    Path dir;

    record Run(int code, String err) {}

    private Run runScript(String mavenTail) throws Exception {
        Path clone = Files.createDirectories(dir.resolve("clone"));
        Files.copy(Path.of("..", "patchbay"), clone.resolve("patchbay"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ncat <<'OUT'\n" + MAVEN_LINES + "OUT\n" + mavenTail, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", clone.resolve("patchbay").toString(), "--version")
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("TMPDIR", dir.toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void firstBuildNamesEachModuleAsMavenReachesIt() throws Exception {
        Run run = runScript("mkdir -p app/target && : > app/target/patchbay.jar\n");

        assertThat(run.err()).contains("patchbay: building (first run, or the sources changed)")
                .containsPattern("patchbay: building patchbay contracts \\[1/3\\] \\(\\d+ s\\)")
                .containsPattern("patchbay: building patchbay ingest \\[2/3\\] \\(\\d+ s\\)")
                .containsPattern("patchbay: building patchbay app \\[3/3\\] \\(\\d+ s\\)")
                .containsPattern("patchbay: built in \\d+ s")
                .doesNotContain("[INFO]");
        try (var logs = Files.list(dir)) {
            assertThat(logs.filter(f -> f.getFileName().toString().startsWith("patchbay-build."))).as("log removed")
                    .isEmpty();
        }
    }

    @Test
    void failedBuildShowsTheEndOfMavensLogAndItsExitCode() throws Exception {
        Run run = runScript("echo '[ERROR] COMPILATION ERROR : Foo.java:[3,1] class expected'\nexit 3\n");

        assertThat(run.code()).isEqualTo(3);
        assertThat(run.err()).contains("patchbay: building patchbay ingest [2/3]")
                .contains("patchbay: the build failed (Maven exit 3)")
                .contains("[ERROR] COMPILATION ERROR : Foo.java:[3,1] class expected")
                .doesNotContain("built in");
    }
}
