package io.patchbay.executor.worker;

import static io.patchbay.executor.worker.GitDaemon.git;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A domain whose tree is a clone of a branch on a real git server (git daemon on 127.0.0.1). */
class RemoteDomainTest {

    @TempDir
    Path home;

    private GitDaemon daemon;
    private Path bare;
    private Path tree;
    private PatchRunner runner;
    private final List<WorkResult> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Path served = Files.createDirectories(home.resolve("served"));
        daemon = new GitDaemon(served).start();
        bare = daemon.seed("app.git", Map.of("notes.txt", "one\ntwo\nthree\n", "other.txt", "a\n"));
        String yaml = """
                version: "test-1"
                domains:
                  main:
                    workspace: ws/main
                    remote: {url: "%s", branch: main, credentials: {file: var/secrets/app}}
                    commands:
                      shell: true
                      sandbox: none
                      allow: [["sh"]]
                """.formatted(daemon.url("app.git"));
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/app"), "bot:not-needed-by-git-daemon\n");
        ExecutionContract contract = ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
        tree = Workspaces.ensure(contract, home).get("main");
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private static Patch patch(String id, String diff, List<FileChange> files, List<Gate> gates) {
        return new Patch(id, "main", "Title of " + id, null, "Ann Example <ann@example.org>", diff, files, null,
                gates, null);
    }

    private WorkResult run(Patch p, int attempt, String expectedHead) throws InterruptedException {
        return runner.run(new WorkOrder("main", p.id(), attempt, p, Instant.now(), null, null, expectedHead),
                progress::add);
    }

    private String remoteHead() throws Exception {
        return git(bare, "rev-parse", "refs/heads/main");
    }

    private String localHead() throws Exception {
        return git(tree, "rev-parse", "HEAD");
    }

    /** Somebody else's clone, their commit of one file pushed to main; returns the commit. */
    private String pushBySomebodyElse(String file, String content) throws Exception {
        Path theirs = home.resolve("theirs-" + System.nanoTime());
        git(home, "clone", "-q", daemon.url("app.git"), theirs.toString());
        Files.writeString(theirs.resolve(file), content);
        git(theirs, "commit", "-qam", "Their change to " + file);
        git(theirs, "push", "-q", "origin", "main");
        return git(theirs, "rev-parse", "HEAD");
    }

    private WorkResult.Started started() {
        return progress.stream().filter(WorkResult.Started.class::isInstance).map(WorkResult.Started.class::cast)
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void theWorkspaceIsACloneAndThePatchCommitIsPushed() throws Exception {
        String seed = remoteHead();
        assertThat(localHead()).isEqualTo(seed);

        WorkResult r = run(patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), null), 1, seed);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.remote()).isEqualTo(daemon.url("app.git"));
            assertThat(s.summary()).contains("Pushed `" + s.commitId() + "` to " + daemon.url("app.git"))
                    .doesNotContain("not-needed-by-git-daemon");
        });
        assertThat(((WorkResult.Succeeded) r).commitId()).isEqualTo(localHead());
        assertThat(remoteHead()).isEqualTo(localHead());
        assertThat(started().movedFrom()).isNull();
    }

    @Test
    void aPushBySomebodyElseBetweenTwoPatchesBecomesTheBase() throws Exception {
        WorkResult first = run(patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), null), 1,
                remoteHead());
        String recorded = ((WorkResult.Succeeded) first).commitId();
        String theirs = pushBySomebodyElse("other.txt", "b\n");

        WorkResult second = run(patch("p2", null, List.of(FileChange.write("docs/b.md", "b\n")), null), 1, recorded);

        assertThat(second).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(started().baseCommit()).isEqualTo(theirs);
        assertThat(started().movedFrom()).isEqualTo(recorded);
        assertThat(git(tree, "rev-parse", "HEAD^")).isEqualTo(theirs);
        assertThat(remoteHead()).isEqualTo(localHead());
        assertThat(Files.readString(tree.resolve("other.txt"))).isEqualTo("b\n");
        assertThat(((WorkResult.Succeeded) second).summary()).contains("had moved past " + recorded);
    }

    @Test
    void aPatchDispatchedBehindAnotherStartsOnItsCommitEvenWhenSomebodyPushedInBetween() throws Exception {
        WorkResult first = run(patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), null), 1,
                remoteHead());
        String p1 = ((WorkResult.Succeeded) first).commitId();
        String theirs = pushBySomebodyElse("other.txt", "b\n");
        Patch p2 = patch("p2", null, List.of(FileChange.write("docs/b.md", "b\n")), null);

        WorkResult second = runner.run(new WorkOrder("main", "p2", 1, p2, Instant.now()).after("p1"),
                progress::add);

        assertThat(second).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(started().movedFrom()).isEqualTo(p1);
        assertThat(git(tree, "rev-parse", "HEAD^")).isEqualTo(theirs);
        assertThat(remoteHead()).isEqualTo(localHead());
    }

    @Test
    void aFastForwardTheLogDidNotHearOfIsNotDrift() throws Exception {
        String seed = remoteHead();
        String theirs = pushBySomebodyElse("other.txt", "b\n");
        Gate fails = Gate.command("fails", List.of("sh", "-c", "exit 3"));
        WorkResult failed = run(patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), List.of(fails)), 1,
                seed);
        assertThat(failed).isInstanceOf(WorkResult.Failed.class);
        assertThat(localHead()).isEqualTo(theirs);

        // The order still carries the commit the log had before the fast-forward.
        WorkResult next = run(patch("p2", null, List.of(FileChange.write("docs/b.md", "b\n")), null), 1, seed);

        assertThat(next).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(git(tree, "rev-parse", "HEAD^")).isEqualTo(theirs);
        assertThat(remoteHead()).isEqualTo(localHead());
    }

    /** A gate that, on its first run only, has somebody else push first: the push then loses a race. */
    private Gate racingGate(String file, String content) throws Exception {
        Path theirs = home.resolve("racer");
        git(home, "clone", "-q", daemon.url("app.git"), theirs.toString());
        Path once = home.resolve("raced");
        String script = "test -e " + once + " && exit 0; touch " + once + "; cd " + theirs + " && printf '" + content
                + "' > " + file + " && git -c user.name=R -c user.email=r@x commit -qam race && git push -q origin main";
        return Gate.command("race", List.of("sh", "-c", script));
    }

    @Test
    void aPushThatLosesARaceIsAppliedAndGatedAgainOnTheirCommit() throws Exception {
        String seed = remoteHead();
        Gate race = racingGate("other.txt", "raced\\n");

        WorkResult r = run(patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), List.of(race)), 1, seed);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.gates()).hasSize(1));
        String head = localHead();
        assertThat(remoteHead()).isEqualTo(head);
        assertThat(git(tree, "log", "-1", "--format=%s", "HEAD^")).isEqualTo("race");
        assertThat(Files.readString(tree.resolve("other.txt"))).isEqualTo("raced\n");
        assertThat(Files.readString(tree.resolve("docs/a.md"))).isEqualTo("a\n");
    }

    @Test
    void aConflictingPushFailsThePatchNamingTheFiles() throws Exception {
        String seed = remoteHead();
        Gate race = racingGate("notes.txt", "uno\\ntwo\\nthree\\n");
        String diff = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n-one\n+ONE\n two\n three\n";

        WorkResult r = run(patch("p1", diff, null, List.of(race)), 1, seed);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).contains("conflicts with what was pushed").contains("notes.txt");
        });
        String theirs = remoteHead();
        assertThat(git(bare, "log", "-1", "--format=%s", "main")).isEqualTo("race");
        assertThat(localHead()).isEqualTo(theirs);
        assertThat(git(tree, "status", "--porcelain")).isEmpty();
    }

    @Test
    void aStoppedServerIsAnInfrastructureFaultAndTheNextAttemptSucceedsWhenItIsBack() throws Exception {
        String seed = remoteHead();
        Patch p = patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), null);
        daemon.stop();

        WorkResult down = run(p, 1, seed);

        assertThat(down).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.INFRASTRUCTURE);
            assertThat(f.reason()).contains("cannot fetch from the remote " + daemon.url("app.git"));
        });
        assertThat(localHead()).isEqualTo(seed);
        assertThat(Files.exists(tree.resolve("docs/a.md"))).isFalse();

        daemon.start();
        WorkResult up = run(p, 2, seed);

        assertThat(up).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(remoteHead()).isEqualTo(localHead()).isNotEqualTo(seed);
    }

    @Test
    void aServerThatStopsBeforeThePushLeavesTheTreeAtItsBase() throws Exception {
        String seed = remoteHead();
        // The gate stops the server after the fetch, so that only the push finds it gone.
        Gate stop = Gate.command("stop", List.of("sh", "-c", "touch " + home.resolve("stop-now") + "; while [ ! -e "
                + home.resolve("stopped") + " ]; do sleep 0.05; done"));
        Patch p = patch("p1", null, List.of(FileChange.write("docs/a.md", "a\n")), List.of(stop));
        Thread watcher = new Thread(() -> {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> Files.exists(home.resolve("stop-now")));
            daemon.stop();
            try {
                Files.writeString(home.resolve("stopped"), "");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        watcher.start();

        WorkResult r = run(p, 1, seed);
        watcher.join();

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.failureClass()).isEqualTo(FailureClass.INFRASTRUCTURE));
        assertThat(localHead()).isEqualTo(seed);
        assertThat(Files.exists(tree.resolve("docs/a.md"))).isFalse();
        assertThat(git(bare, "rev-parse", "main")).isEqualTo(seed);
    }
}
