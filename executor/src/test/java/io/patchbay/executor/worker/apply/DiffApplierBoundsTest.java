package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.executor.worker.TreeGuard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier on hostile diffs: it reads them with the verdict's reader, and no input makes it slow. */
class DiffApplierBoundsTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(10);

    @TempDir
    Path tree;

    private DiffApplier applier() throws Exception {
        return new DiffApplier(new TreeGuard(tree));
    }

    @Test
    void writesExactlyThePathsTheVerdictJudged() throws Exception {
        // The verdict reads x/secrets/prod.env; the applier used to look for a level where a file exists
        // and find secrets/prod.env instead.
        Files.createDirectories(tree.resolve("secrets"));
        Files.writeString(tree.resolve("secrets/prod.env"), "a\n");
        String diff = "--- x/secrets/prod.env\n+++ x/secrets/prod.env\n@@ -1 +1 @@\n-a\n+b\n";
        Patch patch = new Patch(null, "main", "t", null, null, diff, null, null, null, null);

        assertThat(patch.touchedPaths()).containsExactly("x/secrets/prod.env");
        assertThatThrownBy(() -> applier().apply(diff.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("x/secrets/prod.env");
        assertThat(Files.readString(tree.resolve("secrets/prod.env"))).isEqualTo("a\n");
    }

    @Test
    void aDeepPrefixlessPathIsReadOnceNotOncePerFolder() {
        // The strip-level search parsed the whole diff once per folder of the deepest name and probed the
        // tree each time: cubic in the depth. Now the level comes from the diff, in one pass.
        String deep = "d/".repeat(2000) + "f";
        String diff = "--- " + deep + "\n+++ " + deep + "\n@@ -1 +1 @@\n-a\n+b\n";
        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
                () -> applier().apply(diff.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("folders deep"));
        String wide = "d".repeat(200) + "/";
        String deepButBounded = wide.repeat(20) + "f";
        String diff2 = "--- " + deepButBounded + "\n+++ " + deepButBounded + "\n@@ -1 +1 @@\n-a\n+b\n";
        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(
                () -> applier().apply(diff2.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("no such file"));
    }

    @Test
    void anOverflowingHunkNumberIsThePatchsFaultNotARuntimeError() {
        String diff = "--- a/x\n+++ b/x\n@@ -99999999999,1 +1 @@\n-a\n+b\n";
        assertThatThrownBy(() -> applier().apply(diff.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ApplyException.class)
                .hasMessageContaining("number too large");
    }
}
