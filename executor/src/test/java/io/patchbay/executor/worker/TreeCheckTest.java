package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeCheckTest {

    @TempDir
    Path home;

    private Path tree;

    @BeforeEach
    void setUp() throws Exception {
        ExecutionContract contract = ContractLoader.parse(
                "version: '1'\ndomains:\n  main:\n    workspace: ws/main\n".getBytes(StandardCharsets.UTF_8), "test");
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\ntwo\nthree\n");
    }

    private static Patch patch(String diff, List<FileChange> files) {
        return new Patch("p", "main", "t", null, null, diff, files, null, null, null);
    }

    @Test
    void cleanPatchHasNoProblemsAndTheTreeIsUntouched() throws Exception {
        String diff = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n";
        List<String> problems = TreeCheck.problems(tree, patch(diff, List.of(FileChange.write("new.txt", "x"),
                FileChange.insertAfter("notes.txt", "three\n", "four\n"))));
        assertThat(problems).isEmpty();
        assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("one\ntwo\nthree\n");
        assertThat(tree.resolve("new.txt")).doesNotExist();
    }

    @Test
    void namesAHunkThatDoesNotMatchAndMissingFiles() throws Exception {
        String diff = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n one\n-deux\n+TWO\n three\n";
        List<String> problems = TreeCheck.problems(tree, patch(diff, List.of(FileChange.remove("gone.txt"),
                FileChange.insertAfter("notes.txt", "zero\n", "x"))));
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains("notes.txt").contains("hunk");
        assertThat(problems.get(1)).contains("gone.txt");
        assertThat(problems.get(2)).contains("text to insert at");
    }

    @Test
    void refusesWritesThroughASymlinkOutOfTheTree() throws Exception {
        Files.createSymbolicLink(tree.resolve("out"), home);
        assertThat(TreeCheck.problems(tree, patch(null, List.of(FileChange.write("out/evil.txt", "x"))))).hasSize(1);
        assertThat(home.resolve("evil.txt")).doesNotExist();
    }
}
