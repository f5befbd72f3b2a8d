package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitStatusTest {

    @TempDir
    Path tree;

    @BeforeEach
    void seed() throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(tree.resolve(".gitignore"), "*.log\nbuild/\n");
        Files.writeString(tree.resolve("keep.txt"), "keep\n");
        Files.writeString(tree.resolve("edit.txt"), "edit\n");
        Files.writeString(tree.resolve("gone.txt"), "gone\n");
        Files.createDirectories(tree.resolve("src/main"));
        Files.writeString(tree.resolve("src/main/deep.txt"), "deep\n");
        git("add", "-A");
        git("commit", "-q", "-m", "seed");
    }

    private Map<String, String> changes() throws IOException {
        return GitStatus.changes(tree, tree.resolve(".git"));
    }

    @Test
    void cleanTreeHasNoChangesAndIgnoredFilesDoNotCount() throws Exception {
        Files.writeString(tree.resolve("debug.log"), "noise\n");
        Files.createDirectories(tree.resolve("build"));
        Files.writeString(tree.resolve("build/out.bin"), "x");

        assertThat(changes()).isEmpty();
    }

    @Test
    void namesEachChangeByKindAsJGitsStatusDid() throws Exception {
        Files.writeString(tree.resolve("edit.txt"), "edited\n");
        Files.delete(tree.resolve("gone.txt"));
        Files.createDirectories(tree.resolve("new/dir"));
        Files.writeString(tree.resolve("new/dir/stray.txt"), "stray\n");
        Files.writeString(tree.resolve("staged.txt"), "staged\n");
        git("add", "staged.txt");
        Files.writeString(tree.resolve("staged-then-deleted.txt"), "x\n");
        git("add", "staged-then-deleted.txt");
        Files.delete(tree.resolve("staged-then-deleted.txt"));
        Files.writeString(tree.resolve("src/main/deep.txt"), "deeper\n");
        git("add", "src/main/deep.txt");

        assertThat(changes()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "edit.txt", "modified",
                "gone.txt", "deleted",
                "new/dir/stray.txt", "untracked",
                "staged.txt", "added",
                "staged-then-deleted.txt", "deleted",
                "src/main/deep.txt", "modified"));
    }

    @Test
    void aFileWhoseStatDataChangedButNotItsContentIsClean() throws Exception {
        Files.writeString(tree.resolve("keep.txt"), "keep\n");

        assertThat(changes()).isEmpty();
    }

    @Test
    void executableBitIsAChange() throws Exception {
        Files.setPosixFilePermissions(tree.resolve("keep.txt"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(changes()).containsExactly(Map.entry("keep.txt", "modified"));
    }

    @Test
    void conflictsAreNamedConflicting() throws Exception {
        git("checkout", "-q", "-b", "side");
        Files.writeString(tree.resolve("edit.txt"), "side\n");
        git("commit", "-q", "-am", "side");
        git("checkout", "-q", "main");
        Files.writeString(tree.resolve("edit.txt"), "main\n");
        git("commit", "-q", "-am", "main");
        Process p = new ProcessBuilder(argv("merge", "-q", "side")).directory(tree.toFile()).redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(changes()).containsExactly(Map.entry("edit.txt", "conflicting"));
    }

    @Test
    void namesWithSpacesQuotesAndNonAsciiLettersComeThroughAsTheyAre() throws Exception {
        Files.writeString(tree.resolve("a \"quoted\" name é.txt"), "x\n");

        assertThat(changes()).containsExactly(Map.entry("a \"quoted\" name é.txt", "untracked"));
    }

    @Test
    void withoutGitTheCheckIsRefusedWithItsReason() {
        assertThatThrownBy(() -> GitStatus.changes(tree.resolve("no-such-git").toString(), tree, tree.resolve(".git")))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(GitStatus.GIT_MISSING + ": ")
                .hasMessageContaining("install git");
    }

    @Test
    void aBrokenRepositoryFailsTheCheckRatherThanPassingIt() throws Exception {
        Files.writeString(tree.resolve(".git/HEAD"), "garbage\n");

        assertThatThrownBy(this::changes).isInstanceOf(IOException.class).hasMessageContaining("git status");
    }

    @Test
    void parsesRecordsEndedByNul() {
        byte[] out = "?? a b.txt\0 M m.txt\0D  d.txt\0UU c.txt\0AM am.txt\0".getBytes(StandardCharsets.UTF_8);

        assertThat(GitStatus.parse(out)).containsExactlyInAnyOrderEntriesOf(Map.of("a b.txt", "untracked",
                "m.txt", "modified", "d.txt", "deleted", "c.txt", "conflicting", "am.txt", "modified"));
    }

    private List<String> argv(String... args) {
        var argv = new ArrayList<String>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@localhost"));
        argv.addAll(List.of(args));
        return argv;
    }

    private void git(String... args) throws Exception {
        Process p = new ProcessBuilder(argv(args)).directory(tree.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
    }
}
