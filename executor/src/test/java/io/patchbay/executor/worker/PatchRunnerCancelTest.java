package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling a run for real: a real git tree, real gate processes, and the kill of their whole tree. */
class PatchRunnerCancelTest {

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "cancel-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  shell: true
                  allow: [["sh"]]
                limits:
                  commandTimeout: 60s
            """.getBytes(StandardCharsets.UTF_8), "test");

    @TempDir
    Path home;

    private Path tree;
    private PatchRunner runner;
    private final List<WorkResult> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(CONTRACT, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\ntwo\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> CONTRACT, Clock.systemUTC(), "worker-1");
    }

    /**
     * A patch that changes tracked and untracked files, runs a command, then a gate that sleeps in a
     * grandchild: {@code sleep} with {@code marker} as its argument, so that the test can find it.
     */
    private Patch slowPatch(String id, String marker) {
        return new Patch(id, "main", "Slow " + id, null, null, null,
                List.of(FileChange.write("notes.txt", "changed\n"), FileChange.write("brand/new.txt", "new\n")),
                List.of(List.of("sh", "-c", "echo made-by-command > generated.txt")),
                List.of(Gate.command("slow", List.of("sh", "-c", "sleep " + marker + " & wait"))),
                null);
    }

    private CompletableFuture<WorkResult> runAsync(Patch p, Cancellation cancellation) {
        var order = new WorkOrder("main", p.id(), 1, p, Instant.now());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(order, progress::add, cancellation);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private String head() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.getRepository().resolve("HEAD").name();
        }
    }

    @Test
    void cancelDuringAGateKillsItsProcessTreeAndRollsTheTreeBackExactly() throws Exception {
        Map<String, String> before = TreeSnapshot.of(tree);
        String base = head();
        String marker = Processes.uniqueSleep(60);
        Cancellation cancellation = new Cancellation();

        CompletableFuture<WorkResult> run = runAsync(slowPatch("s1", marker), cancellation);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.withArgument(marker).isEmpty());

        assertThat(cancellation.cancel()).isTrue();
        WorkResult r = run.get(30, TimeUnit.SECONDS);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Cancelled.class, c -> {
            assertThat(c.reason()).contains("during gate 'slow'").contains(base);
            assertThat(c.gates()).singleElement().satisfies(g -> assertThat(g.passed()).isFalse());
            assertThat(c.summary()).contains("Cancelled");
            assertThat(home.resolve(c.summaryPath())).content().contains("Cancelled");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> Processes.withArgument(marker).isEmpty());
        assertThat(TreeSnapshot.of(tree)).isEqualTo(before);
        assertThat(head()).isEqualTo(base);
        assertThat(progress).extracting(p -> p.getClass().getSimpleName()).containsExactly("Started", "GateFinished");
    }

    @Test
    void cancelThrownBeforeTheRunStartsReportsItCancelledWithoutStartingIt() throws Exception {
        Map<String, String> before = TreeSnapshot.of(tree);
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();

        String marker = Processes.uniqueSleep(60);
        WorkResult r = runAsync(slowPatch("s2", marker), cancellation).get(30, TimeUnit.SECONDS);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Cancelled.class,
                c -> assertThat(c.reason()).contains("before it started"));
        assertThat(progress).isEmpty();
        assertThat(Processes.withArgument(marker)).isEmpty();
        assertThat(TreeSnapshot.of(tree)).isEqualTo(before);
    }

    @Test
    void cancelOfAnOrderThatHadAlreadyLandedReportsItsSuccess() throws Exception {
        Patch p = new Patch("l1", "main", "Landed", null, null, null, List.of(FileChange.write("l.txt", "l\n")), null,
                null, null);
        Cancellation first = new Cancellation();
        var landed = (WorkResult.Succeeded) runAsync(p, first).get(30, TimeUnit.SECONDS);
        assertThat(first.cancel()).as("a run that committed can no longer be cancelled").isFalse();
        assertThat(first.cancelled()).isFalse();

        Cancellation again = new Cancellation();
        again.cancel();
        WorkResult r = runAsync(p, again).get(30, TimeUnit.SECONDS);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isTrue();
            assertThat(s.commitId()).isEqualTo(landed.commitId());
        });
    }
}
