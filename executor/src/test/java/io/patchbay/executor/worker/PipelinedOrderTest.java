package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An order dispatched behind another ({@link WorkOrder#after()}) on a real git tree: it runs only
 * on its predecessor's commit, reports its own commit when it finds it, and otherwise changes
 * nothing and says why.
 */
class PipelinedOrderTest {

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: ws/main
            """.getBytes(StandardCharsets.UTF_8), "test");
    private Path tree;
    private PatchRunner runner;
    private String seed;

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("README.md"), "# main\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            seed = git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call().name();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "w");
    }

    private static WorkOrder order(String id, String file) {
        Patch p = new Patch(id, "main", "Write " + file, null, null, null, List.of(FileChange.write(file, id + "\n")),
                null, List.of(Gate.fileContains("written", file, id)), null);
        return new WorkOrder("main", id, 1, p, Instant.now());
    }

    private String head() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    @Test
    void runsWhenHeadIsThePatchItFollows() throws Exception {
        WorkResult first = runner.run(order("p1", "one.txt").withExpectedHead(seed), r -> { });
        assertThat(first).isInstanceOf(WorkResult.Succeeded.class);

        WorkResult second = runner.run(order("p2", "two.txt").after("p1"), r -> { });

        assertThat(second).as(String.valueOf(second)).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isFalse();
            assertThat(s.changedFiles()).containsExactly("two.txt");
        });
        assertThat(tree.resolve("two.txt")).hasContent("p2");
    }

    @Test
    void doesNotStartWhenThePatchItFollowsDidNotLand() throws Exception {
        Patch failing = new Patch("p1", "main", "Fails", null, null, null, List.of(FileChange.write("one.txt", "1\n")),
                null, List.of(Gate.fileContains("never", "one.txt", "absent")), null);
        WorkResult first = runner.run(new WorkOrder("main", "p1", 1, failing, Instant.now()).withExpectedHead(seed),
                r -> { });
        assertThat(first).isInstanceOf(WorkResult.Failed.class);

        WorkResult second = runner.run(order("p2", "two.txt").after("p1"), r -> { });

        assertThat(second).isInstanceOfSatisfying(WorkResult.NotStarted.class, n -> {
            assertThat(n.after()).isEqualTo("p1");
            assertThat(n.headCommit()).isEqualTo(seed);
            assertThat(n.reason()).contains("p1").contains("did not land");
        });
        assertThat(head()).isEqualTo(seed);
        assertThat(tree.resolve("two.txt")).doesNotExist();
    }

    @Test
    void reportsItsOwnCommitWhenItLandedBeforeARestart() throws Exception {
        runner.run(order("p1", "one.txt").withExpectedHead(seed), r -> { });
        WorkResult.Succeeded second = (WorkResult.Succeeded) runner.run(order("p2", "two.txt").after("p1"), r -> { });

        // Redelivered after a crash that lost its result: HEAD is its own commit.
        WorkResult again = runner.run(order("p2", "two.txt").after("p1"), r -> { });

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isTrue();
            assertThat(s.commitId()).isEqualTo(second.commitId());
        });
    }

    @Test
    void findsItsOwnCommitBehindALaterOneRatherThanSayingItDidNotStart() throws Exception {
        runner.run(order("p1", "one.txt").withExpectedHead(seed), r -> { });
        WorkResult.Succeeded second = (WorkResult.Succeeded) runner.run(order("p2", "two.txt").after("p1"), r -> { });
        runner.run(order("p3", "three.txt").after("p2"), r -> { });

        WorkResult again = runner.run(order("p2", "two.txt").after("p1"), r -> { });

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.commitId()).isEqualTo(second.commitId()));
    }

    @Test
    void anEditOnTopOfThePredecessorIsDriftNotATurn() throws Exception {
        runner.run(order("p1", "one.txt").withExpectedHead(seed), r -> { });
        Files.writeString(tree.resolve("README.md"), "# edited by hand\n");

        WorkResult second = runner.run(order("p2", "two.txt").after("p1"), r -> { });

        assertThat(second).isInstanceOf(WorkResult.TreeDrifted.class);
        assertThat(tree.resolve("README.md")).hasContent("# edited by hand");
        assertThat(tree.resolve("two.txt")).doesNotExist();
    }
}
