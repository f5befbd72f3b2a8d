package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeGuardTest {

    @TempDir
    Path tree;

    @TempDir
    Path outside;

    private TreeGuard guard;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(tree.resolve(".git"));
        Files.createDirectories(tree.resolve("docs"));
        guard = new TreeGuard(tree);
    }

    @Test
    void newFileInANewFolderStaysInside() throws Exception {
        assertThat(guard.forWrite("a/b/c.txt")).isEqualTo(tree.toRealPath().resolve("a/b/c.txt"));
    }

    @Test
    void symlinkThatStaysInsideIsFollowed() throws Exception {
        Files.createSymbolicLink(tree.resolve("manual"), Path.of("docs"));

        assertThat(guard.forWrite("manual/x.md")).isEqualTo(tree.toRealPath().resolve("docs/x.md"));
    }

    @Test
    void danglingSymlinkToOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(tree.resolve("later"), outside.resolve("not-yet/file"));

        assertThatThrownBy(() -> guard.forWrite("later")).isInstanceOf(TreeGuard.Escape.class)
                .hasMessageContaining("outside the working tree");
    }

    @Test
    void symlinkIntoGitDirIsRefused() throws Exception {
        Files.createSymbolicLink(tree.resolve("hooks"), Path.of(".git"));

        assertThatThrownBy(() -> guard.forWrite("hooks/pre-commit")).isInstanceOf(TreeGuard.Escape.class)
                .hasMessageContaining(".git");
    }

    @Test
    void deletingASymlinkToOutsideRemovesOnlyTheLink() throws Exception {
        Files.createSymbolicLink(tree.resolve("link"), outside);

        assertThat(guard.forDelete("link")).isEqualTo(tree.toRealPath().resolve("link"));
    }

    @Test
    void absoluteAndClimbingPathsAreRefused() {
        assertThatThrownBy(() -> guard.forWrite(outside.resolve("x").toString())).isInstanceOf(TreeGuard.Escape.class);
        assertThatThrownBy(() -> guard.forWrite("docs/../../x")).isInstanceOf(TreeGuard.Escape.class);
        assertThatThrownBy(() -> guard.forWrite(".")).isInstanceOf(TreeGuard.Escape.class);
    }
}
