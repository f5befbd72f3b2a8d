package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.util.FileUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freeze-verify on real git working trees: edits behind patchbay's back are found, reset and adopted. */
class WorkspaceKeeperTest {

    private static final Submitter OPS = Submitter.http("ops");

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: ws/main
            """.getBytes(StandardCharsets.UTF_8), "test");
    private Path tree;
    private WorkspaceKeeper keeper;
    /** The commit patchbay last applied: what the log says HEAD is at. */
    private String recorded;

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve(".gitignore"), "build/\n");
        Files.writeString(tree.resolve("keep.txt"), "alpha\n");
        Files.writeString(tree.resolve("gone.txt"), "to be deleted\n");
        commit("Seed");
        // The last commit patchbay made, through the patch runner as in production.
        var runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "w");
        var p = new Patch("p1", "main", "Add notes", null, null, null, List.of(FileChange.write("notes.md", "n\n")),
                null, null, null);
        var applied = (WorkResult.Succeeded) runner.run(new WorkOrder("main", "p1", 1, p, Instant.now()), r -> { });
        recorded = applied.commitId();
        keeper = new WorkspaceKeeper(home, () -> contract, Clock.systemUTC());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private String commit(String message) throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").setAll(true).call();
            return git.commit().setMessage(message + "\n").setAuthor(Workspaces.PATCHBAY)
                    .setCommitter(Workspaces.PATCHBAY).setSign(false).call().name();
        }
    }

    private RevCommit head() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.log().setMaxCount(1).call().iterator().next();
        }
    }

    private boolean clean() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.status().call().isClean();
        }
    }

    private WorkResult run(String action, String expected) {
        return keeper.run(WorkOrder.of("main", new WorkspaceTask(action, 3, expected,
                WorkspaceTask.VERIFY.equals(action) ? null : OPS), Instant.now()));
    }

    private WorkResult.DriftFound drift(WorkResult r) {
        assertThat(r).isInstanceOf(WorkResult.DriftFound.class);
        return (WorkResult.DriftFound) r;
    }

    private WorkResult.WorkspaceVerified verified(WorkResult r) {
        assertThat(r).as(String.valueOf(r)).isInstanceOf(WorkResult.WorkspaceVerified.class);
        return (WorkResult.WorkspaceVerified) r;
    }

    /** Edits behind patchbay's back: a tracked file changed, one deleted, one new. */
    private void tamper() throws Exception {
        Files.writeString(tree.resolve("keep.txt"), "alpha\nedited by hand\n");
        Files.delete(tree.resolve("gone.txt"));
        Files.writeString(tree.resolve("stray.txt"), "nobody asked for this\n");
    }

    // ---- verify -----------------------------------------------------------------------------

    @Test
    void cleanTreeAtTheRecordedCommitIsVerifiedWithItsTreeHash() throws Exception {
        WorkResult.WorkspaceVerified v = verified(run(WorkspaceTask.VERIFY, recorded));

        assertThat(v.commitId()).isEqualTo(recorded);
        assertThat(v.treeHash()).isEqualTo(head().getTree().name());
        assertThat(v.check()).isEqualTo(3);
        assertThat(v.action()).isEqualTo("verify");
    }

    @Test
    void filesEditedBehindPatchbaysBackAreDriftThatNamesThem() throws Exception {
        tamper();

        WorkResult.DriftFound d = drift(run(WorkspaceTask.VERIFY, recorded));

        assertThat(d.expectedCommit()).isEqualTo(recorded);
        assertThat(d.actualCommit()).isEqualTo(recorded);
        assertThat(d.detail()).contains("modified keep.txt").contains("deleted gone.txt").contains("untracked stray.txt");
        assertThat(d.check()).isEqualTo(3);
    }

    @Test
    void commitMadeBehindPatchbaysBackIsDriftThatNamesTheCommit() throws Exception {
        Files.writeString(tree.resolve("keep.txt"), "alpha\nbeta\n");
        String sneaky = commit("Edit by hand");

        WorkResult.DriftFound d = drift(run(WorkspaceTask.VERIFY, recorded));

        assertThat(d.actualCommit()).isEqualTo(sneaky);
        assertThat(d.detail()).contains("1 commit(s) past the recorded " + recorded).contains("Edit by hand")
                .doesNotContain("uncommitted");
    }

    @Test
    void headMovedBackBehindPatchbaysBackIsDriftThatSaysAppliedCommitsWereUndone() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef("HEAD~1").call();
        }

        WorkResult.DriftFound d = drift(run(WorkspaceTask.VERIFY, recorded));

        assertThat(d.detail()).contains("behind the recorded " + recorded);
        assertThat(verified(run(WorkspaceTask.RESET, recorded)).commitId()).isEqualTo(recorded);
        assertThat(tree.resolve("notes.md")).exists();
    }

    @Test
    void ignoredFilesAreNotDrift() throws Exception {
        Files.createDirectories(tree.resolve("build"));
        Files.writeString(tree.resolve("build/cache.bin"), "x");

        assertThat(verified(run(WorkspaceTask.VERIFY, recorded)).commitId()).isEqualTo(recorded);
    }

    @Test
    void firstCheckWithoutARecordedCommitTakesHead() throws Exception {
        assertThat(verified(run(WorkspaceTask.VERIFY, null)).commitId()).isEqualTo(recorded);
        tamper();
        assertThat(drift(run(WorkspaceTask.VERIFY, null)).detail()).contains("keep.txt");
    }

    @Test
    void missingWorkingTreeIsDrift() throws Exception {
        FileUtils.delete(tree.toFile(), FileUtils.RECURSIVE);

        WorkResult.DriftFound d = drift(run(WorkspaceTask.VERIFY, recorded));

        assertThat(d.detail()).startsWith("cannot verify the working tree");
        assertThat(d.actualCommit()).isNull();
    }

    // ---- reset ------------------------------------------------------------------------------

    @Test
    void resetRestoresTheRecordedCommitAndRemovesStrayFilesButKeepsIgnoredOnes() throws Exception {
        String before = Files.readString(tree.resolve("keep.txt"));
        commit("Edit by hand");
        tamper();
        Files.createDirectories(tree.resolve("build"));
        Files.writeString(tree.resolve("build/cache.bin"), "x");

        WorkResult.WorkspaceVerified v = verified(run(WorkspaceTask.RESET, recorded));

        assertThat(v.commitId()).isEqualTo(recorded);
        assertThat(v.action()).isEqualTo("reset");
        assertThat(head().name()).isEqualTo(recorded);
        assertThat(clean()).isTrue();
        assertThat(Files.readString(tree.resolve("keep.txt"))).isEqualTo(before);
        assertThat(tree.resolve("gone.txt")).exists();
        assertThat(tree.resolve("stray.txt")).doesNotExist();
        assertThat(tree.resolve("build/cache.bin")).exists();
        assertThat(verified(run(WorkspaceTask.VERIFY, recorded)).commitId()).isEqualTo(recorded);
    }

    @Test
    void resetFirstSavesTheEditAndHandCommitsOnARefNamedInTheAnswer() throws Exception {
        Files.writeString(tree.resolve("keep.txt"), "alpha\ncommitted by hand\n");
        String sneaky = commit("Edit by hand");
        tamper();
        Files.createDirectories(tree.resolve("build"));
        Files.writeString(tree.resolve("build/cache.bin"), "x");

        WorkResult.WorkspaceVerified v = verified(run(WorkspaceTask.RESET, recorded));

        assertThat(v.savedRef()).isEqualTo("refs/patchbay/drift/main/3");
        assertThat(head().name()).isEqualTo(recorded);
        assertThat(clean()).isTrue();
        try (Git git = Git.open(tree.toFile())) {
            var repo = git.getRepository();
            var saved = repo.parseCommit(repo.resolve(v.savedRef()));
            assertThat(saved.getParent(0).name()).as("the hand commit stays reachable").isEqualTo(sneaky);
            assertThat(saved.getFullMessage()).contains("Reset-By: http:ops").contains("modified keep.txt");
            assertThat(read(repo, saved, "keep.txt")).isEqualTo("alpha\nedited by hand\n");
            assertThat(read(repo, saved, "stray.txt")).isEqualTo("nobody asked for this\n");
            assertThat(read(repo, saved, "notes.md")).isEqualTo("n\n");
            assertThat(read(repo, saved, "gone.txt")).as("deleted by hand").isNull();
            assertThat(read(repo, saved, "build/cache.bin")).as("ignored").isNull();
            assertThat(repo.getRefDatabase().getRefsByPrefix("refs/heads/")).extracting(r -> r.getObjectId().name())
                    .as("no branch moved to the saved tree").doesNotContain(saved.name());
        }
    }

    @Test
    void resetOfAnUntouchedTreeSavesNothingAndARedeliveredResetNamesTheRefItsFirstRunSaved() throws Exception {
        assertThat(verified(run(WorkspaceTask.RESET, recorded)).savedRef()).isNull();

        tamper();
        String first = verified(run(WorkspaceTask.RESET, recorded)).savedRef();
        WorkResult.WorkspaceVerified again = verified(run(WorkspaceTask.RESET, recorded));

        assertThat(first).isEqualTo("refs/patchbay/drift/main/3");
        assertThat(again.savedRef()).isEqualTo(first);
    }

    @Test
    void resetAfterAnEarlierSaveUnderTheSameNumberKeepsBothSaves() throws Exception {
        tamper();
        String first = verified(run(WorkspaceTask.RESET, recorded)).savedRef();
        Files.writeString(tree.resolve("later.txt"), "later\n");

        String second = verified(run(WorkspaceTask.RESET, recorded)).savedRef();

        assertThat(second).isEqualTo(first + "-2");
        try (Git git = Git.open(tree.toFile())) {
            var repo = git.getRepository();
            assertThat(read(repo, repo.parseCommit(repo.resolve(first)), "stray.txt")).isNotNull();
            assertThat(read(repo, repo.parseCommit(repo.resolve(second)), "later.txt")).isEqualTo("later\n");
        }
    }

    @Test
    void verifyNamesTheChangedFilesOneByOne() throws Exception {
        tamper();

        assertThat(drift(run(WorkspaceTask.VERIFY, recorded)).files())
                .containsExactly("gone.txt", "keep.txt", "stray.txt");
    }

    /** A file's content in a commit, or null when the commit does not hold it. */
    private static String read(org.eclipse.jgit.lib.Repository repo, RevCommit c, String path) throws Exception {
        try (var walk = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path, c.getTree())) {
            return walk == null ? null
                    : new String(repo.open(walk.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void resetToACommitTheRepositoryDoesNotHaveIsDriftAndChangesNothing() throws Exception {
        tamper();

        WorkResult.DriftFound d = drift(run(WorkspaceTask.RESET, "0123456789abcdef0123456789abcdef01234567"));

        assertThat(d.detail()).contains("is not in the repository");
        assertThat(tree.resolve("stray.txt")).exists();
    }

    // ---- adopt ------------------------------------------------------------------------------

    @Test
    void adoptCommitsTheChangesWithAnAdoptedByTrailerSoLogAndGitAgree() throws Exception {
        tamper();

        WorkResult.WorkspaceVerified v = verified(run(WorkspaceTask.ADOPT, recorded));

        RevCommit adopted = head();
        assertThat(v.commitId()).isEqualTo(adopted.name()).isNotEqualTo(recorded);
        assertThat(v.treeHash()).isEqualTo(adopted.getTree().name());
        assertThat(adopted.getParent(0).name()).isEqualTo(recorded);
        assertThat(adopted.getFullMessage()).contains("Adopted-By: http:ops").contains("modified keep.txt");
        assertThat(adopted.getFooterLines("Adopted-By")).containsExactly("http:ops");
        assertThat(clean()).isTrue();
        assertThat(Files.readString(tree.resolve("keep.txt"))).contains("edited by hand");
        assertThat(tree.resolve("gone.txt")).doesNotExist();
        assertThat(verified(run(WorkspaceTask.VERIFY, adopted.name())).commitId()).isEqualTo(adopted.name());
    }

    @Test
    void adoptOfACleanTreeWhoseHeadMovedTakesHeadAsItIs() throws Exception {
        Files.writeString(tree.resolve("keep.txt"), "alpha\nbeta\n");
        String sneaky = commit("Edit by hand");

        assertThat(verified(run(WorkspaceTask.ADOPT, recorded)).commitId()).isEqualTo(sneaky);
        assertThat(head().name()).isEqualTo(sneaky);
    }
}
