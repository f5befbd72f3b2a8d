package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs on one working tree, as two workers would after a rebalance: the second waits for the
 * first's lock, and a fenced run stops, rolls back and reports nothing.
 */
class PatchRunnerFenceTest {

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "fence-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  sandbox: none
                  shell: true
                  allow: [["sh"]]
                limits:
                  commandTimeout: 60s
            """.getBytes(StandardCharsets.UTF_8), "test");

    @TempDir
    Path home;

    private Path tree;
    private final List<WorkResult> progress = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(CONTRACT, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
    }

    private PatchRunner runner(String worker) {
        return new PatchRunner(home, () -> CONTRACT, Clock.systemUTC(), worker);
    }

    /** Writes its file, then holds in a gate until {@code marker}'s sleep is killed or ends. */
    private static Patch slowPatch(String id, String marker) {
        return new Patch(id, "main", "Slow " + id, null, null, null, List.of(FileChange.write(id + ".txt", id + "\n")),
                null, List.of(Gate.command("slow", List.of("sh", "-c", "sleep " + marker + " & wait"))), null);
    }

    private static Patch quickPatch(String id) {
        return new Patch(id, "main", "Quick " + id, null, null, null,
                List.of(FileChange.write(id + ".txt", id + "\n")), null, null, null);
    }

    private CompletableFuture<WorkResult> runAsync(PatchRunner runner, Patch p, Cancellation cancellation) {
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

    private List<String> started() {
        return progress.stream().filter(r -> r instanceof WorkResult.Started).map(WorkResult::patchId).toList();
    }

    @Test
    void aSecondWorkerOnTheSameTreeStartsOnlyOnceTheFirstHasLetGo() throws Exception {
        String marker = Processes.uniqueSleep(60);
        Cancellation first = new Cancellation();
        CompletableFuture<WorkResult> stale = runAsync(runner("worker-a"), slowPatch("s1", marker), first);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.withArgument(marker).isEmpty());

        CompletableFuture<WorkResult> next = runAsync(runner("worker-b"), quickPatch("q1"), new Cancellation());
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> !next.isDone());
        assertThat(started()).as("the second run waits for the tree").containsExactly("s1");
        assertThat(DomainLock.holderOf(tree.resolve(".git").resolve(DomainLock.FILE))).startsWith("worker-a");

        assertThat(first.fence("partition moved")).isTrue();
        assertThatThrownBy(() -> stale.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(Fenced.class).hasMessage("partition moved");

        WorkResult r = next.get(30, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(started()).containsExactly("s1", "q1");
        assertThat(tree.resolve("s1.txt")).as("the fenced run rolled its write back").doesNotExist();
        assertThat(tree.resolve("q1.txt")).exists();
    }

    @Test
    void aFencedRunRollsBackExactlyKillsItsGateAndWritesNoSummary() throws Exception {
        Map<String, String> before = TreeSnapshot.of(tree);
        String base = head();
        String marker = Processes.uniqueSleep(60);
        AtomicReference<String> stale = new AtomicReference<>();
        Cancellation fence = new Cancellation(stale::get);
        CompletableFuture<WorkResult> run = runAsync(runner("worker-a"), slowPatch("s2", marker), fence);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.withArgument(marker).isEmpty());

        // The worker notices its own pause only when it next asks; a gate still running is then killed.
        stale.set("paused for 40 s");
        assertThat(fence.cancelled()).isTrue();
        assertThatThrownBy(() -> run.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(Fenced.class)
                .hasMessage("paused for 40 s");

        await().atMost(Duration.ofSeconds(5)).until(() -> Processes.withArgument(marker).isEmpty());
        assertThat(TreeSnapshot.of(tree)).isEqualTo(before);
        assertThat(head()).isEqualTo(base);
        assertThat(home.resolve(PatchRunner.summaryPath("main", "s2"))).doesNotExist();
    }

    @Test
    void aRunFencedWhileItWaitsForTheTreeNeverTouchesIt() throws Exception {
        String marker = Processes.uniqueSleep(60);
        Cancellation holder = new Cancellation();
        CompletableFuture<WorkResult> first = runAsync(runner("worker-a"), slowPatch("s3", marker), holder);
        await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.withArgument(marker).isEmpty());

        Cancellation waiting = new Cancellation();
        CompletableFuture<WorkResult> second = runAsync(runner("worker-b"), quickPatch("q3"), waiting);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
        waiting.fence("partition moved");

        assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(Fenced.class);
        assertThat(started()).containsExactly("s3");
        holder.cancel();
        assertThat(first.get(30, TimeUnit.SECONDS)).isInstanceOf(WorkResult.Cancelled.class);
        assertThat(tree.resolve("q3.txt")).doesNotExist();
    }

    @Test
    void aRunThatBeganToCommitFinishesAndReportsDespiteALateFence() throws Exception {
        Cancellation c = new Cancellation();
        WorkResult r = runAsync(runner("worker-a"), quickPatch("c1"), c).get(30, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(c.fence("too late")).isFalse();
        assertThat(c.fenced()).isNull();
    }
}
