package io.patchbay.contracts.diff;

import static io.patchbay.contracts.diff.SampleDiffs.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiffReaderTest {

    /** A guard against hangs only; every case here takes milliseconds. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    private static List<String> paths(String diff) throws DiffException {
        return DiffReader.read(bytes(diff)).touchedPaths();
    }

    @Test
    void gitDiffNamesItsFileWithoutPrefixes() throws Exception {
        assertThat(paths(SampleDiffs.GIT)).containsExactly("src/app.txt");
        assertThat(paths(SampleDiffs.MAIL)).containsExactly("src/app.txt");
    }

    @Test
    void renameTouchesBothNames() throws Exception {
        assertThat(paths(SampleDiffs.RENAME)).containsExactly("docs/old.md", "docs/new.md");
    }

    @Test
    void copyDeleteAndModeChangeAreAllTouched() throws Exception {
        assertThat(paths(SampleDiffs.COPY_DELETE_MODE)).containsExactly("lib/a.sh", "lib/b.sh", "gone.txt", "run.sh");
    }

    @Test
    void quotedNamesAreUnquotedWithTheirOctalEscapes() throws Exception {
        assertThat(paths(SampleDiffs.QUOTED)).containsExactly("café menu.txt");
    }

    @Test
    void diffsWithoutPrefixesKeepTheirNamesAsWritten() throws Exception {
        assertThat(paths(SampleDiffs.NO_PREFIX)).containsExactly("src/app.txt");
        assertThat(paths(SampleDiffs.SVN)).containsExactly("conf/site.conf");
    }

    @Test
    void traditionalDiffBetweenTwoFoldersDropsTheFolder() throws Exception {
        assertThat(paths(SampleDiffs.TRADITIONAL)).containsExactly("src/x.txt");
    }

    @Test
    void anUnknownFirstFolderIsPartOfThePathNotDroppedOnAGuess() throws Exception {
        // Read at the same level by verdict and applier alike: x/secrets/prod.env, never secrets/prod.env.
        String diff = "--- x/secrets/prod.env\n+++ x/secrets/prod.env\n@@ -1 +1 @@\n-a\n+b\n";
        assertThat(paths(diff)).containsExactly("x/secrets/prod.env");
        String prefixed = "--- a/secrets/prod.env\n+++ b/secrets/prod.env\n@@ -1 +1 @@\n-a\n+b\n";
        assertThat(paths(prefixed)).containsExactly("secrets/prod.env");
    }

    @Test
    void hunkNumbersBeyondAnyFileAreAParseError() {
        String diff = "--- a/x\n+++ b/x\n@@ -99999999999,1 +1 @@\n-a\n+b\n";
        assertThatThrownBy(() -> DiffReader.read(bytes(diff)))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("number too large");
        String longer = "--- a/x\n+++ b/x\n@@ -1,99999999999999999999999 +1 @@\n-a\n+b\n";
        assertThatThrownBy(() -> DiffReader.read(bytes(longer))).isInstanceOf(DiffException.class);
    }

    @Test
    void aBinaryLiteralOfTwoGigabytesIsRefusedBeforeAnythingIsAllocated() {
        // Before: the size went straight into new byte[size], an OutOfMemoryError rather than a refusal.
        String diff = """
                diff --git a/blob.bin b/blob.bin
                new file mode 100644
                index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111
                GIT binary patch
                literal 2147483647
                zcmV+b0RR6000031

                """;
        assertThatThrownBy(() -> DiffReader.read(bytes(diff)))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("announces 2147483647 bytes");
        assertThatThrownBy(() -> DiffReader.read(bytes(diff.replace("2147483647", "99999999999999"))))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("bad size");
    }

    @Test
    void aBinarySizeUnderTheLimitThatTheDataDoesNotHoldIsRefused() {
        String diff = """
                diff --git a/blob.bin b/blob.bin
                new file mode 100644
                index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111
                GIT binary patch
                literal 60000000
                zcmV+b0RR6000031

                """;
        assertThatThrownBy(() -> DiffReader.read(bytes(diff))).isInstanceOf(DiffException.class);
        assertThatThrownBy(() -> DiffReader.read(bytes(diff), 1000))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("at most 1000");
    }

    @Test
    void aLongGitHeaderOfRepeatedNamesReadsInLinearTime() {
        // 240 KB of "diff --git a/ b/ b/ b/ ...": the header scan used to try every blank against every other.
        String line = "diff --git a/" + " b/".repeat(60_000) + "\n";
        String diff = line + "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try {
                DiffReader.read(bytes(diff));
            } catch (DiffException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        });
        String names = "diff --git a/" + "x ".repeat(60_000) + "b/" + "x ".repeat(60_000) + "\n"
                + "old mode 100644\nnew mode 100755\n";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try {
                DiffReader.read(bytes(names));
            } catch (DiffException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void aDeepPathIsRefusedQuickly() {
        String deep = "d/".repeat(100_000) + "f";
        String diff = "--- " + deep + "\n+++ " + deep + "\n@@ -1 +1 @@\n-a\n+b\n";
        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> DiffReader.read(bytes(diff)))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("longer than 4096 bytes"));
        String deepButShort = "d/".repeat(300) + "f";
        String diff2 = "--- a/" + deepButShort + "\n+++ b/" + deepButShort + "\n@@ -1 +1 @@\n-a\n+b\n";
        assertThatThrownBy(() -> DiffReader.read(bytes(diff2)))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("folders deep");
    }

    @Test
    void textWithoutAFileHeaderIsRefusedWithAReason() {
        assertThatThrownBy(() -> DiffReader.read(bytes("hello\nworld\n")))
                .isInstanceOf(DiffException.class)
                .hasMessageContaining("changes no file");
        assertThatThrownBy(() -> DiffReader.read(bytes("@@ -1 +1 @@\n-a\n+b\n")))
                .hasMessageContaining("without a file header");
    }

    @Test
    void latin1ContentIsKeptByteForByte() throws Exception {
        var out = new ByteArrayOutputStream();
        out.writeBytes("--- a/menu.txt\n+++ b/menu.txt\n@@ -1 +1 @@\n-caf".getBytes(StandardCharsets.US_ASCII));
        out.write(0xE9);
        out.writeBytes("\n+CAF".getBytes(StandardCharsets.US_ASCII));
        out.write(0xC9);
        out.write('\n');
        Hunk hunk = DiffReader.read(out.toByteArray()).files().get(0).hunks().get(0);
        assertThat(hunk.before().get(0)).containsExactly('c', 'a', 'f', 0xE9, '\n');
        assertThat(hunk.after().get(0)).containsExactly('C', 'A', 'F', 0xC9, '\n');
    }
}
