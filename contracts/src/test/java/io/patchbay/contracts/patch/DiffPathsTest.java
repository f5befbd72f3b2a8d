package io.patchbay.contracts.patch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DiffPathsTest {

    @Test
    void readsRenamesNewAndDeletedFiles() {
        String diff = """
                diff --git a/old.txt b/new.txt
                similarity index 90%
                rename from old.txt
                rename to new.txt
                diff --git a/gone.txt b/gone.txt
                deleted file mode 100644
                --- a/gone.txt
                +++ /dev/null
                @@ -1 +0,0 @@
                -bye
                diff --git a/fresh.txt b/fresh.txt
                new file mode 100644
                --- /dev/null
                +++ b/fresh.txt
                @@ -0,0 +1 @@
                +hi
                """;
        assertThat(DiffPaths.touched(diff)).containsExactly("old.txt", "new.txt", "gone.txt", "fresh.txt");
    }

    @Test
    void doesNotMistakeRemovedLinesForHeaders() {
        String diff = "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,1 @@\n--- a/etc/passwd\n keep\n";
        assertThat(DiffPaths.touched(diff)).containsExactly("f.txt");
    }

    @Test
    void readsQuiltStyleWithoutPrefixes() {
        String diff = "Index: src/x.c\n===================================================================\n"
                + "--- src/x.c\n+++ src/x.c\n@@ -1 +1 @@\n-a\n+b\n";
        assertThat(DiffPaths.touched(diff)).containsExactly("src/x.c");
    }
}
