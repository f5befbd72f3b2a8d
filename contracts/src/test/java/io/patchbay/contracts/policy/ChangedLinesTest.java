package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patchbay.contracts.patch.FileChange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangedLinesTest {

    private static long count(String diff) {
        return ChangedLines.inDiff(diff.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void countsHunkLinesButNotFileHeaders() {
        String diff = """
                --- a/one.txt
                +++ b/one.txt
                @@ -1,3 +1,3 @@
                 keep
                -old
                +new
                 keep
                --- a/two.txt
                +++ b/two.txt
                @@ -0,0 +1,2 @@
                +first
                +second
                """;
        assertThat(count(diff)).isEqualTo(4);
    }

    @Test
    void aRemovedLineThatLooksLikeAFileHeaderCountsByTheHunkLength() {
        // Removing the SQL comment "-- old" gives the hunk line "--- old"; the header says it is one of the hunk's lines.
        String diff = """
                --- a/m.sql
                +++ b/m.sql
                @@ -1,2 +1,1 @@
                --- old
                 select 1;
                """;
        assertThat(count(diff)).isEqualTo(1);
    }

    @Test
    void aHunkWithoutLengthsCountsOneLineEachSide() {
        assertThat(count("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n--- a/y\n+++ b/y\n")).isEqualTo(2);
    }

    @Test
    void anUnreadableHunkHeaderStillCountsTheLinesThatFollow() {
        assertThat(count("--- a/x\n+++ b/x\n@@ -x +y @@\n-a\n+b\n+c\ndiff --git a/y b/y\n")).isEqualTo(3);
        assertThat(count("@@ -99999999999999999999,1 +1 @@\n-a\n")).isEqualTo(1);
    }

    @Test
    void noNewlineMarkersAndGitBinaryDataAreNotLines() {
        String diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"
                + "diff --git a/bin b/bin\nGIT binary patch\nliteral 3\nKcmZ?wWdH&I0RR91\n\nliteral 0\nHcmV?d00001\n";
        assertThat(count(diff)).isEqualTo(2);
    }

    @Test
    void fileWritesCountTheirLinesAndDeletesNone() {
        List<FileChange> files = List.of(FileChange.write("a", "1\n2\n"), FileChange.write("b", "x"),
                FileChange.write("c", ""), FileChange.remove("d"), FileChange.insertAfter("e", "anchor", "3\n"));
        assertThat(ChangedLines.of(null, files)).isEqualTo(4);
    }

    @Test
    void aLargeHostileDiffIsCountedInLinearTime() {
        // Hunk headers that nearly parse, repeated on one line, and a million hunk lines: each byte is read once.
        byte[] headers = "@@ -1,99999 +1,99999 @".repeat(200_000).getBytes(StandardCharsets.US_ASCII);
        byte[] lines = ("@@ -1,1000000 +1,1000000 @@\n" + "+x\n".repeat(1_000_000)).getBytes(StandardCharsets.US_ASCII);
        long counted = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> ChangedLines.inDiff(headers) + ChangedLines.inDiff(lines));
        assertThat(counted).isEqualTo(1_000_000);
    }
}
