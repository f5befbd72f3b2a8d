package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.executor.worker.TreeGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.Deflater;
import org.eclipse.jgit.util.Base85;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiffApplierTest {

    private static final boolean GIT = Cli.available("git");

    @TempDir
    Path tree;

    @TempDir
    Path scratch;

    // ---- offsets and matching ---------------------------------------------------------------

    @Test
    void hunksApplyAtAnOffsetWhereGitApplyPutsThem() throws Exception {
        write("f.txt", numbered(1, 30));
        String diff = """
                --- a/f.txt
                +++ b/f.txt
                @@ -8,5 +8,5 @@
                 line 8
                 line 9
                -line 10
                +line ten
                 line 11
                 line 12
                @@ -23,6 +23,7 @@
                 line 23
                 line 24
                 line 25
                +line 25.5
                 line 26
                 line 27
                 line 28
                """;
        write("f.txt", "extra a\nextra b\nextra c\n" + numbered(1, 15) + "mid\n" + numbered(16, 30));
        Map<String, String> git = gitResult(diff);

        apply(diff);

        assertThat(read("f.txt")).isEqualTo("extra a\nextra b\nextra c\n" + numbered(1, 9) + "line ten\n"
                + numbered(11, 15) + "mid\n" + numbered(16, 25) + "line 25.5\n" + numbered(26, 30));
        sameAsGit(git);
    }

    @Test
    void hunkAtTheFirstLineMustMatchAtTheTopAsInGit() throws Exception {
        write("f.txt", "inserted\n" + numbered(1, 6));
        String diff = """
                --- a/f.txt
                +++ b/f.txt
                @@ -1,3 +1,3 @@
                 line 1
                -line 2
                +line two
                 line 3
                """;

        ApplyException e = failure(diff);

        assertThat(e).hasMessage("hunk #1 of f.txt (at line 1) does not match the file");
        gitRefusesToo(diff);
    }

    @Test
    void hunkWithoutContextInTheMiddleIsRefusedAsInGit() throws Exception {
        write("f.txt", numbered(1, 8));
        String diff = """
                --- a/f.txt
                +++ b/f.txt
                @@ -5 +5 @@
                -line 5
                +line five
                """;

        assertThat(failure(diff)).hasMessageContaining("hunk #1 of f.txt (at line 5)");
        gitRefusesToo(diff);
    }

    @Test
    void conflictingHunkFailsNamingFileAndHunkAndChangesNothing() throws Exception {
        write("a.txt", "a1\na2\na3\na4\na5\n");
        var b = new StringBuilder();
        for (int i = 1; i <= 50; i++) {
            b.append("b").append(i).append('\n');
        }
        write("b.txt", b.toString());
        String diff = """
                diff --git a/a.txt b/a.txt
                --- a/a.txt
                +++ b/a.txt
                @@ -2,3 +2,3 @@
                 a2
                -a3
                +A3
                 a4
                diff --git a/b.txt b/b.txt
                --- a/b.txt
                +++ b/b.txt
                @@ -3,5 +3,5 @@
                 b3
                 b4
                -b5
                +B5
                 b6
                 b7
                @@ -38,5 +38,5 @@
                 b38
                 b39
                -b40 as the patch remembers it
                +b40 changed
                 b41
                 b42
                diff --git a/c.txt b/c.txt
                new file mode 100644
                --- /dev/null
                +++ b/c.txt
                @@ -0,0 +1 @@
                +new
                """;
        Map<String, String> before = Trees.snapshot(tree);

        ApplyException e = failure(diff);

        assertThat(e).hasMessage("hunk #2 of b.txt (at line 38) does not match the file");
        assertThat(e.detail()).contains("line 19 of the diff", "b40 as the patch remembers it");
        assertThat(Trees.snapshot(tree)).isEqualTo(before);
        gitRefusesToo(diff);
    }

    @Test
    void crlfLinesApplyByteForByte() throws Exception {
        write("w.txt", "a\r\nb\r\nc\r\nd\r\n");
        String diff = "--- a/w.txt\n+++ b/w.txt\n@@ -1,4 +1,4 @@\n a\r\n-b\r\n+B\r\n c\r\n d\r\n";
        Map<String, String> git = gitResult(diff);

        apply(diff);

        assertThat(read("w.txt")).isEqualTo("a\r\nB\r\nc\r\nd\r\n");
        sameAsGit(git);
    }

    @Test
    void emptyLineInAHunkIsAnEmptyContextLine() throws Exception {
        write("g.txt", "a\nb\n\nc\nd\n");
        String diff = "--- a/g.txt\n+++ b/g.txt\n@@ -1,5 +1,5 @@\n a\n b\n\n-c\n+C\n d\n";

        apply(diff);

        assertThat(read("g.txt")).isEqualTo("a\nb\n\nC\nd\n");
    }

    @Test
    void severalDiffsOfOneFileApplyInOrder() throws Exception {
        write("f.txt", "1\n2\n3\n");
        String diff = """
                --- a/f.txt
                +++ b/f.txt
                @@ -1,3 +1,3 @@
                 1
                -2
                +two
                 3
                --- a/f.txt
                +++ b/f.txt
                @@ -1,3 +1,3 @@
                 1
                 two
                -3
                +three
                """;
        Map<String, String> git = gitResult(diff);

        apply(diff);

        assertThat(read("f.txt")).isEqualTo("1\ntwo\nthree\n");
        sameAsGit(git);
    }

    @Test
    void fileChangedAndThenDeletedByOneDiffStaysDeleted() throws Exception {
        // git apply leaves the changed file behind here; a deletion should win.
        write("f.txt", "a\nb\n");
        String diff = """
                diff --git a/f.txt b/f.txt
                --- a/f.txt
                +++ b/f.txt
                @@ -1,2 +1,2 @@
                 a
                -b
                +B
                diff --git a/f.txt b/f.txt
                deleted file mode 100644
                --- a/f.txt
                +++ /dev/null
                @@ -1,2 +0,0 @@
                -a
                -B
                """;

        apply(diff);

        assertThat(tree.resolve("f.txt")).doesNotExist();
    }

    // ---- dialects ---------------------------------------------------------------------------

    @Test
    void traditionalDiffWithoutPrefixesTakesItsStripLevelFromTheTree() throws Exception {
        write("src/main/x.txt", "one\ntwo\n");
        String diff = """
                --- src/main/x.txt\t2026-11-23 10:00:00.000000000 +0100
                +++ src/main/x.txt\t2026-11-23 10:05:00.000000000 +0100
                @@ -1,2 +1,2 @@
                 one
                -two
                +TWO
                """;

        ApplyPlan plan = apply(diff);

        assertThat(read("src/main/x.txt")).isEqualTo("one\nTWO\n");
        assertThat(plan.touchedPaths()).containsExactly("src/main/x.txt");
    }

    @Test
    void quiltPatchBetweenTwoFoldersDropsTheFolder() throws Exception {
        write("src/x.txt", "one\ntwo\n");
        String diff = """
                Index: proj/src/x.txt
                ===================================================================
                --- proj.orig/src/x.txt\t2026-11-23 10:00:00.000000000 +0000
                +++ proj/src/x.txt\t2026-11-23 10:05:00.000000000 +0000
                @@ -1,2 +1,2 @@
                 one
                -two
                +TWO
                """;

        apply(diff);

        assertThat(read("src/x.txt")).isEqualTo("one\nTWO\n");
    }

    @Test
    void newFileWithoutPrefixesKeepsItsNameAsWritten() throws Exception {
        String diff = "--- /dev/null\n+++ docs/new.md\n@@ -0,0 +1 @@\n+hello\n";

        apply(diff);

        assertThat(read("docs/new.md")).isEqualTo("hello\n");
    }

    @Test
    void epochTimestampsMarkCreatedAndDeletedFiles() throws Exception {
        write("gone/old.txt", "old\n");
        String diff = """
                diff -ruN a/new.txt b/new.txt
                --- a/new.txt\t1970-01-01 00:00:00.000000000 +0000
                +++ b/new.txt\t2026-11-23 10:00:00.000000000 +0000
                @@ -0,0 +1 @@
                +new
                diff -ruN a/gone/old.txt b/gone/old.txt
                --- a/gone/old.txt\t2026-11-23 10:00:00.000000000 +0100
                +++ b/gone/old.txt\t1970-01-01 01:00:00.000000000 +0100
                @@ -1 +0,0 @@
                -old
                """;
        Map<String, String> git = gitResult(diff);

        apply(diff);

        assertThat(read("new.txt")).isEqualTo("new\n");
        assertThat(tree.resolve("gone")).doesNotExist();
        sameAsGit(git);
    }

    @Test
    void mailHeadersIndexLinesAndSignatureAroundTheDiffAreIgnored() throws Exception {
        write("a.txt", "one\n");
        String diff = """
                From 1234567890abcdef Mon Sep 17 00:00:00 2001
                From: Ann Example <ann@example.org>
                Subject: [PATCH] Shout

                A commit message --- with dashes.
                ---
                 a.txt | 2 +-
                Index: a.txt
                ===================================================================
                --- a.txt
                +++ a.txt
                @@ -1 +1 @@
                -one
                +ONE
                --\s
                2.39.5
                """;

        apply(diff);

        assertThat(read("a.txt")).isEqualTo("ONE\n");
    }

    @Test
    void textWithoutAnyDiffChangesNoFile() {
        assertThat(failure("hello\nworld\n")).hasMessageStartingWith("the diff changes no file");
    }

    @Test
    void hunkWithoutAFileHeaderIsRefused() {
        assertThat(failure("@@ -1 +1 @@\n-a\n+b\n")).hasMessageContaining("starts a hunk without a file header");
    }

    // ---- binary -----------------------------------------------------------------------------

    @Test
    void binaryLiteralCreatesTheExactBytes() throws Exception {
        byte[] content = {0, 1, 2, (byte) 0xff, '\n', '\r', 0, 42};
        String diff = "diff --git a/b.bin b/b.bin\nnew file mode 100755\nindex " + zeros() + ".."
                + BinaryPatches.blobId(content, 40) + "\nGIT binary patch\n" + literal(content) + literal(new byte[0]);

        apply(diff);

        assertThat(Files.readAllBytes(tree.resolve("b.bin"))).isEqualTo(content);
        assertThat(Files.isExecutable(tree.resolve("b.bin"))).isTrue();
    }

    @Test
    void binaryPatchForOtherContentIsRefused() throws Exception {
        byte[] expected = {1, 2, 3};
        byte[] actual = {1, 2, 4};
        byte[] next = {9, 9};
        Files.write(tree.resolve("b.bin"), actual);
        String diff = "diff --git a/b.bin b/b.bin\nindex " + BinaryPatches.blobId(expected, 40) + ".."
                + BinaryPatches.blobId(next, 40) + " 100644\nGIT binary patch\n" + literal(next);

        assertThat(failure(diff)).hasMessageStartingWith("the binary patch of b.bin was made for content "
                + BinaryPatches.blobId(expected, 40));
        assertThat(Files.readAllBytes(tree.resolve("b.bin"))).isEqualTo(actual);
    }

    @Test
    void binaryPatchThatDoesNotMakeWhatItPromisesIsRefused() throws Exception {
        String diff = "diff --git a/b.bin b/b.bin\nnew file mode 100644\nindex " + zeros() + ".."
                + BinaryPatches.blobId(new byte[] {7}, 40) + "\nGIT binary patch\n" + literal(new byte[] {8});

        assertThat(failure(diff)).hasMessageContaining("makes content");
        assertThat(tree.resolve("b.bin")).doesNotExist();
    }

    @Test
    void binaryDiffWithoutDataIsRefused() {
        String diff = """
                diff --git a/logo.png b/logo.png
                new file mode 100644
                index 0000000..1234567
                Binary files /dev/null and b/logo.png differ
                """;

        assertThat(failure(diff)).hasMessageContaining("logo.png says the binary file differs but carries no data");
    }

    @Test
    void binaryFilesDifferLineOfPlainDiffIsRefusedRatherThanSkipped() throws Exception {
        write("a.txt", "one\n");
        String diff = """
                diff -ruN a/a.txt b/a.txt
                --- a/a.txt\t2026-11-23 10:00:00.000000000 +0000
                +++ b/a.txt\t2026-11-23 10:00:00.000000000 +0000
                @@ -1 +1 @@
                -one
                +ONE
                Binary files a/logo.png and b/logo.png differ
                """;

        assertThat(failure(diff)).hasMessageContaining("binary files a/logo.png and b/logo.png differ");
        assertThat(read("a.txt")).isEqualTo("one\n");
    }

    // ---- refusals ---------------------------------------------------------------------------

    @Test
    void newFileThatAlreadyExistsIsRefused() throws Exception {
        write("a.txt", "here\n");

        assertThat(failure(newFile("a.txt", "x")))
                .hasMessage("cannot create a.txt: it already exists in the working tree");
    }

    @Test
    void fileInPlaceOfAFolderThatKeepsFilesIsRefused() throws Exception {
        write("leaf/one.txt", "one\n");
        write("leaf/two.txt", "two\n");
        String diff = "diff --git a/leaf/one.txt b/leaf/one.txt\ndeleted file mode 100644\n--- a/leaf/one.txt\n"
                + "+++ /dev/null\n@@ -1 +0,0 @@\n-one\n" + newFile("leaf", "now a file");

        assertThat(failure(diff)).hasMessage("cannot create leaf: a folder of that name is in the way");
        assertThat(read("leaf/one.txt")).isEqualTo("one\n");
    }

    @Test
    void changeToAMissingFileIsRefused() {
        String diff = "--- a/gone.txt\n+++ b/gone.txt\n@@ -1 +1 @@\n-a\n+b\n";

        assertThat(failure(diff)).hasMessage("cannot patch gone.txt: there is no such file in the working tree");
    }

    @Test
    void deletionWhoseHunksKeepLinesIsRefused() {
        String diff = "diff --git a/a.txt b/a.txt\ndeleted file mode 100644\n--- a/a.txt\n+++ /dev/null\n"
                + "@@ -1,2 +1 @@\n-a\n b\n";

        assertThat(failure(diff)).hasMessageContaining("deletes a.txt (line 1) but its hunks leave content in it");
    }

    @Test
    void renameFromOutsideTheTreeIsRefused(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "secret\n");
        String diff = "diff --git a/../secret.txt b/inside.txt\nsimilarity index 100%\n"
                + "rename from ../secret.txt\nrename to inside.txt\n";

        assertThatThrownBy(() -> apply(diff)).isInstanceOf(TreeGuard.Escape.class)
                .hasMessageContaining("outside the working tree");
        assertThat(tree.resolve("inside.txt")).doesNotExist();
        assertThat(outside.resolve("secret.txt")).exists();
    }

    @Test
    void copyIntoGitFolderIsRefused() throws Exception {
        write("hook.sh", "#!/bin/sh\n");
        Files.createDirectories(tree.resolve(".git/hooks"));
        String diff = "diff --git a/hook.sh b/.git/hooks/pre-commit\nsimilarity index 100%\n"
                + "copy from hook.sh\ncopy to .git/hooks/pre-commit\n";

        assertThatThrownBy(() -> apply(diff)).isInstanceOf(TreeGuard.Escape.class).hasMessageContaining(".git");
        assertThat(tree.resolve(".git/hooks/pre-commit")).doesNotExist();
    }

    @Test
    void fileBeyondASymlinkInsideTheTreeIsRefused() throws Exception {
        write("real/x.txt", "a\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("real"));

        assertThat(failure("--- a/link/x.txt\n+++ b/link/x.txt\n@@ -1 +1 @@\n-a\n+b\n"))
                .hasMessage("the diff touches link/x.txt, which lies beyond a symbolic link");
        assertThat(read("real/x.txt")).isEqualTo("a\n");
    }

    @Test
    void symlinkCreationIsRefused() {
        String diff = "diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc/passwd\n"
                + "\\ No newline at end of file\n";

        assertThat(failure(diff)).hasMessage("the diff makes l a symlink; patches may not create symlinks");
    }

    // ---- atomicity --------------------------------------------------------------------------

    @Test
    void checkWorksOutThePlanWithoutTouchingTheTree() throws Exception {
        write("a.txt", "a\n");
        write("b.txt", "b\n");
        String diff = newFile("c.txt", "c") + "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n"
                + "diff --git a/b.txt b/b.txt\ndeleted file mode 100644\n--- a/b.txt\n+++ /dev/null\n"
                + "@@ -1 +0,0 @@\n-b\n";
        Map<String, String> before = Trees.snapshot(tree);

        ApplyPlan plan = new DiffApplier(new TreeGuard(tree)).check(diff.getBytes(StandardCharsets.UTF_8));

        assertThat(Trees.snapshot(tree)).isEqualTo(before);
        assertThat(plan.writtenCount()).isEqualTo(2);
        assertThat(plan.removedCount()).isEqualTo(1);
        assertThat(plan.touchedPaths()).containsExactly("c.txt", "a.txt", "b.txt");
    }

    @Test
    void writeThatFailsPartWayPutsEveryFileBack() throws Exception {
        write("a.txt", "a\n");
        write("gone/b.txt", "b\n");
        String diff = "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n"
                + "diff --git a/gone/b.txt b/gone/b.txt\ndeleted file mode 100644\n--- a/gone/b.txt\n+++ /dev/null\n"
                + "@@ -1 +0,0 @@\n-b\n" + newFile("new/deep/c.txt", "c");
        ApplyPlan plan = new DiffApplier(new TreeGuard(tree)).check(diff.getBytes(StandardCharsets.UTF_8));
        // Something changes the disk between the check and the write: "new" becomes a file.
        write("new", "in the way\n");
        Map<String, String> before = Trees.snapshot(tree);

        assertThatThrownBy(plan::write).isInstanceOf(IOException.class);

        assertThat(Trees.snapshot(tree)).isEqualTo(before);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ApplyPlan apply(String diff) throws Exception {
        return new DiffApplier(new TreeGuard(tree)).apply(diff.getBytes(StandardCharsets.UTF_8));
    }

    private ApplyException failure(String diff) {
        ApplyException e = catchThrowableOfType(ApplyException.class, () -> apply(diff));
        assertThat(e).as("the diff should not apply").isNotNull();
        return e;
    }

    /**
     * What git apply makes of the diff on a copy of the tree as it is now, or null when git refuses
     * it. Without git on the machine, the git side of these tests is skipped and the rest holds.
     */
    private Map<String, String> gitResult(String diff) throws Exception {
        if (!GIT) {
            return Map.of("git", "not installed");
        }
        Path copy = Files.createTempDirectory(scratch, "git");
        Trees.copy(tree, copy);
        Path patch = Files.createTempFile(scratch, "patch", ".diff");
        Files.writeString(patch, diff);
        return Cli.run(copy, "git", "apply", patch.toString()).exitCode() == 0 ? Trees.snapshot(copy) : null;
    }

    private void gitRefusesToo(String diff) throws Exception {
        if (GIT) {
            assertThat(gitResult(diff)).as("git apply refuses it too").isNull();
        }
    }

    private void sameAsGit(Map<String, String> git) throws IOException {
        if (GIT) {
            assertThat(Trees.snapshot(tree)).isEqualTo(git);
        }
    }

    private void write(String path, String content) throws IOException {
        Path p = tree.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private String read(String path) throws IOException {
        return Files.readString(tree.resolve(path));
    }

    private static String numbered(int from, int to) {
        var sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append("line ").append(i).append('\n');
        }
        return sb.toString();
    }

    private static String newFile(String path, String line) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+" + line + "\n";
    }

    private static String zeros() {
        return "0".repeat(40);
    }

    /** A binary hunk as git writes one: deflated, then base85 in lines of at most 52 bytes. */
    private static String literal(byte[] content) {
        var deflater = new Deflater();
        deflater.setInput(content);
        deflater.finish();
        var out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!deflater.finished()) {
            out.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        byte[] data = out.toByteArray();
        var sb = new StringBuilder("literal ").append(content.length).append('\n');
        for (int off = 0; off < data.length; off += 52) {
            int n = Math.min(52, data.length - off);
            sb.append((char) (n <= 26 ? 'A' + n - 1 : 'a' + n - 27))
                    .append(new String(Base85.encode(data, off, n), StandardCharsets.US_ASCII)).append('\n');
        }
        return sb.append('\n').toString();
    }
}
