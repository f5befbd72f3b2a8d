package io.patchbay.executor.worker;

import static io.patchbay.executor.worker.GitDaemon.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed after it pushed a patch's commit but before the log heard of it gets the same
 * order again: the pushed commit is the patch, not somebody else's push to build on.
 */
class RemoteRedeliveryTest {

    @TempDir
    Path home;

    private GitDaemon daemon;
    private Path bare;
    private PatchRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        daemon = new GitDaemon(Files.createDirectories(home.resolve("served"))).start();
        bare = daemon.seed("app.git", Map.of("notes.txt", "one\n"));
        String yaml = """
                version: "test-1"
                domains:
                  main:
                    workspace: ws/main
                    remote: {url: "%s", branch: main}
                    commands: {sandbox: none}
                """.formatted(daemon.url("app.git"));
        ExecutionContract contract = ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
        Workspaces.ensure(contract, home);
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private WorkResult run(Patch p, String expectedHead) throws InterruptedException {
        return runner.run(new WorkOrder("main", p.id(), 1, p, Instant.now(), null, null, expectedHead), r -> { });
    }

    @Test
    void anOrderDeliveredAgainAfterItsPushLandsOnceOnTheRemote() throws Exception {
        String seed = git(bare, "rev-parse", "refs/heads/main");
        Patch p = new Patch("p1", "main", "Once", null, null, null, List.of(FileChange.write("docs/a.md", "a\n")),
                null, null, null);
        WorkResult first = run(p, seed);
        assertThat(first).isInstanceOf(WorkResult.Succeeded.class);
        String pushed = ((WorkResult.Succeeded) first).commitId();

        // The log never heard of the first run: the order comes again with the commit it knew.
        WorkResult again = run(p, seed);

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.commitId()).isEqualTo(pushed));
        assertThat(git(bare, "rev-parse", "refs/heads/main")).isEqualTo(pushed);
        assertThat(git(bare, "log", "main", "--format=%B").lines().filter("Patch-Id: p1"::equals)).hasSize(1);
    }

    @Test
    void anOrderThatMovesToAnotherWorkerAfterItsPushLandsOnceOnTheRemote() throws Exception {
        String seed = git(bare, "rev-parse", "refs/heads/main");
        Patch p = new Patch("p1", "main", "Once", null, null, null, List.of(FileChange.write("docs/a.md", "a\n")),
                null, null, null);
        // Another instance's worker, with a clone of its own made before the first run.
        Path otherHome = Files.createDirectories(home.resolve("other"));
        String yaml = """
                version: "test-1"
                domains:
                  main:
                    workspace: ws/main
                    remote: {url: "%s", branch: main}
                    commands: {sandbox: none}
                """.formatted(daemon.url("app.git"));
        ExecutionContract contract = ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
        Workspaces.ensure(contract, otherHome);
        PatchRunner other = new PatchRunner(otherHome, () -> contract, Clock.systemUTC(), "worker-2");
        WorkResult first = run(p, seed);
        String pushed = ((WorkResult.Succeeded) first).commitId();

        // The first worker died before it reported; its domain's orders now go to the other one.
        WorkResult again = other.run(new WorkOrder("main", p.id(), 1, p, Instant.now(), null, null, seed), r -> { });

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.commitId()).isEqualTo(pushed));
        assertThat(git(bare, "rev-parse", "refs/heads/main")).isEqualTo(pushed);
        assertThat(git(bare, "log", "main", "--format=%B").lines().filter("Patch-Id: p1"::equals)).hasSize(1);
    }
}
