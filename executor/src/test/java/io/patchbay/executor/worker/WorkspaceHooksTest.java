package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git hooks in a workspace never run, whatever a patch or a person put in {@code .git/hooks} or
 * where {@code core.hooksPath} points: each hook here would leave a marker outside the tree.
 */
class WorkspaceHooksTest {

    private static final List<String> HOOKS = List.of("pre-commit", "commit-msg", "prepare-commit-msg", "post-commit",
            "post-checkout", "reference-transaction");

    @TempDir
    Path dir;

    private SandboxFixture f;
    private Path markers;

    @BeforeEach
    void setUp() throws Exception {
        f = new SandboxFixture(dir);
        markers = Files.createDirectories(dir.resolve("markers"));
        for (String domain : List.of("main", "loose")) {
            plantHooks(f.tree(domain).resolve(".git/hooks"));
        }
    }

    private void plantHooks(Path hooks) throws Exception {
        Files.createDirectories(hooks);
        for (String name : HOOKS) {
            Path hook = hooks.resolve(name);
            Files.writeString(hook, "#!/bin/sh\ntouch '" + markers.resolve(name) + "'\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private List<String> ran() throws Exception {
        try (var files = Files.list(markers)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void plainJGitRunsThePostCommitHookEvenWithoutVerify() throws Exception {
        try (Git git = Git.open(f.tree("main").toFile())) {
            git.commit().setMessage("x\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setAllowEmpty(true).setNoVerify(true).setSign(false).call();
        }

        assertThat(ran()).contains("post-commit");
    }

    @Test
    void patchCommitRunsNoHook() throws Exception {
        WorkResult r = f.run(f.runner(), "main", null);

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(ran()).isEmpty();
    }

    @Test
    void hooksPathInTheRepositoryConfigIsIgnoredToo() throws Exception {
        Path elsewhere = dir.resolve("elsewhere-hooks");
        plantHooks(elsewhere);
        try (Git git = Git.open(f.tree("main").toFile())) {
            StoredConfig config = git.getRepository().getConfig();
            config.setString("core", null, "hooksPath", elsewhere.toString());
            config.save();
        }

        WorkResult r = f.run(f.runner(), "main", null);

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(ran()).isEmpty();
    }

    @Test
    void adoptingAHandEditRunsNoHook() throws Exception {
        Files.writeString(f.tree("main").resolve("hand-edit.txt"), "by hand\n");
        var keeper = new WorkspaceKeeper(f.home, () -> f.contract, Clock.systemUTC());

        WorkResult r = keeper.run(WorkOrder.of("main", new WorkspaceTask(WorkspaceTask.ADOPT, 1, null,
                Submitter.http("ops")), Instant.now()));

        assertThat(r).isInstanceOf(WorkResult.WorkspaceVerified.class);
        assertThat(ran()).isEmpty();
    }

    @Test
    void gitRunByAnUnsandboxedCommandRunsNoHook() throws Exception {
        WorkResult r = f.run(f.runner(), "loose", List.of(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t",
                "commit", "--allow-empty", "-m", "from a command")));

        assertThat(r).as("%s", r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(ran()).isEmpty();
    }

    @Test
    void sandboxedCommandCannotCommitOrPlantAHook() throws Exception {
        assumeTrue(SandboxFixture.HAS_BWRAP, SandboxFixture.NO_BWRAP);

        WorkResult r = f.run(f.runner(), "main", List.of(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t",
                "commit", "--allow-empty", "-m", "from a command")));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                x -> assertThat(x.detail()).containsIgnoringCase("read-only"));
        assertThat(ran()).isEmpty();
    }
}
