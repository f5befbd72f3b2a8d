package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tree is verified before every patch, on real git trees: a person's edit is drift that stays
 * where it is and stops the patch before it starts; patchbay's own leftovers (its run mark is
 * there) are cleaned and the patch runs.
 */
class DriftBeforePatchTest {

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: ws/main
            """.getBytes(StandardCharsets.UTF_8), "test");
    private final List<WorkResult> progress = new ArrayList<>();
    private Path tree;
    private PatchRunner runner;
    /** The commit the first patch made: what the log records HEAD is at. */
    private String recorded;

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve(".gitignore"), "build/\n");
        Files.writeString(tree.resolve("README.md"), "# main\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "w");
        var first = run("p1", "one.txt", null);
        assertThat(first).isInstanceOf(WorkResult.Succeeded.class);
        recorded = ((WorkResult.Succeeded) first).commitId();
        progress.clear();
    }

    private WorkResult run(String id, String file, String expectedHead) throws InterruptedException {
        Patch p = new Patch(id, "main", "Write " + file, null, null, null, List.of(FileChange.write(file, id + "\n")),
                null, List.of(Gate.fileContains("written", file, id)), null);
        return runner.run(new WorkOrder("main", id, 1, p, Instant.now()).withExpectedHead(expectedHead),
                progress::add);
    }

    private String head() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    private WorkResult.TreeDrifted drifted(WorkResult r) {
        assertThat(r).as(String.valueOf(r)).isInstanceOf(WorkResult.TreeDrifted.class);
        return (WorkResult.TreeDrifted) r;
    }

    @Test
    void handEditBetweenTwoPatchesStopsTheNextBeforeItStartsAndStaysInTheTree() throws Exception {
        Files.writeString(tree.resolve("README.md"), "# main\nedited by hand\n");
        Files.createDirectories(tree.resolve("notes"));
        Files.writeString(tree.resolve("notes/scratch.txt"), "mine\n");

        WorkResult.TreeDrifted d = drifted(run("p2", "two.txt", recorded));

        assertThat(d.patchId()).isEqualTo("p2");
        assertThat(d.attempt()).isEqualTo(1);
        assertThat(d.files()).containsExactly("README.md", "notes/scratch.txt");
        assertThat(d.detail()).contains("modified README.md").contains("untracked notes/scratch.txt");
        assertThat(d.expectedCommit()).isEqualTo(recorded);
        assertThat(d.actualCommit()).isEqualTo(recorded);
        assertThat(progress).as("not even Started").isEmpty();
        assertThat(Files.readString(tree.resolve("README.md"))).isEqualTo("# main\nedited by hand\n");
        assertThat(Files.readString(tree.resolve("notes/scratch.txt"))).isEqualTo("mine\n");
        assertThat(tree.resolve("two.txt")).doesNotExist();
        assertThat(head()).isEqualTo(recorded);
        assertThat(tree.resolve(".git/" + RunMarker.NAME)).doesNotExist();
    }

    @Test
    void deletedTrackedFileIsDriftToo() throws Exception {
        Files.delete(tree.resolve("one.txt"));

        assertThat(drifted(run("p2", "two.txt", recorded)).files()).containsExactly("one.txt");
        assertThat(tree.resolve("one.txt")).doesNotExist();
    }

    @Test
    void commitMadeByHandIsDriftNamingTheFilesItChanged() throws Exception {
        String sneaky;
        try (Git git = Git.open(tree.toFile())) {
            Files.writeString(tree.resolve("README.md"), "# main\ncommitted by hand\n");
            git.add().addFilepattern("README.md").call();
            sneaky = git.commit().setMessage("By hand\n").setAuthor(Workspaces.PATCHBAY)
                    .setCommitter(Workspaces.PATCHBAY).setSign(false).call().name();
        }

        WorkResult.TreeDrifted d = drifted(run("p2", "two.txt", recorded));

        assertThat(d.actualCommit()).isEqualTo(sneaky);
        assertThat(d.files()).containsExactly("README.md");
        assertThat(d.detail()).contains("1 commit(s) past the recorded " + recorded).contains("By hand");
        assertThat(head()).isEqualTo(sneaky);
        assertThat(tree.resolve("two.txt")).doesNotExist();
    }

    @Test
    void ignoredFilesAreNotDriftAndTheNextPatchRuns() throws Exception {
        Files.createDirectories(tree.resolve("build"));
        Files.writeString(tree.resolve("build/cache.bin"), "x");

        assertThat(run("p2", "two.txt", recorded)).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(tree.resolve("build/cache.bin")).exists();
    }

    @Test
    void withoutARecordedCommitOnlyUncommittedChangesCount() throws Exception {
        assertThat(run("p2", "two.txt", null)).isInstanceOf(WorkResult.Succeeded.class);
        Files.writeString(tree.resolve("stray.txt"), "x\n");

        assertThat(drifted(run("p3", "three.txt", null)).files()).containsExactly("stray.txt");
    }

    @Test
    void leftoversOfAnInterruptedRunAreCleanedAndThePatchRuns() throws Exception {
        // A run killed after it marked the tree and wrote some of its files.
        try (Git git = Git.open(tree.toFile())) {
            new RunMarker(git.getRepository()).write("p-killed", 1, recorded);
        }
        Files.writeString(tree.resolve("README.md"), "half-applied\n");
        Files.writeString(tree.resolve("half.txt"), "half\n");

        WorkResult r = run("p2", "two.txt", recorded);

        assertThat(r).as(String.valueOf(r)).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(((WorkResult.Succeeded) r).changedFiles()).containsExactly("two.txt");
        assertThat(Files.readString(tree.resolve("README.md"))).isEqualTo("# main\n");
        assertThat(tree.resolve("half.txt")).doesNotExist();
        assertThat(tree.resolve(".git/" + RunMarker.NAME)).doesNotExist();
    }

    @Test
    void theRunMarksTheTreeWhileItChangesItAndClearsTheMarkAfterCommitAndAfterRollback() throws Exception {
        Path mark = tree.resolve(".git/" + RunMarker.NAME);
        var seenDuringGate = new ArrayList<Boolean>();
        Patch p = new Patch("p2", "main", "Write two", null, null, null, List.of(FileChange.write("two.txt", "2\n")),
                null, List.of(Gate.fileContains("written", "two.txt", "2")), null);
        WorkResult ok = runner.run(new WorkOrder("main", "p2", 1, p, Instant.now()).withExpectedHead(recorded),
                r -> seenDuringGate.add(r instanceof WorkResult.GateFinished && Files.exists(mark)));
        assertThat(ok).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(seenDuringGate).as("Started, then the gate with the mark present").containsExactly(false, true);
        assertThat(mark).doesNotExist();

        Patch failing = new Patch("p3", "main", "Fails its gate", null, null, null,
                List.of(FileChange.write("three.txt", "3\n")), null,
                List.of(Gate.fileContains("never", "three.txt", "not there")), null);
        WorkResult failed = runner.run(new WorkOrder("main", "p3", 1, failing, Instant.now())
                .withExpectedHead(head()), r -> { });
        assertThat(failed).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.failureClass()).isEqualTo(FailureClass.GATE_FAILED));
        assertThat(mark).doesNotExist();
        assertThat(tree.resolve("three.txt")).doesNotExist();
        // The rollback left the tree as the log says, so the next patch is not taken for drift.
        assertThat(run("p4", "four.txt", head())).isInstanceOf(WorkResult.Succeeded.class);
    }

    @Test
    void redeliveredOrderOfAnAppliedPatchReportsItsCommitRatherThanDrift() throws Exception {
        String two = ((WorkResult.Succeeded) run("p2", "two.txt", recorded)).commitId();

        // The same order again (its result was lost): HEAD is past what the order expected, by its own commit.
        WorkResult again = run("p2", "two.txt", recorded);

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isTrue();
            assertThat(s.commitId()).isEqualTo(two);
        });
    }
}
