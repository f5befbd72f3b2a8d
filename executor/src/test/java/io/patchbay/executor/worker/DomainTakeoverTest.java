package io.patchbay.executor.worker;

import static io.patchbay.executor.worker.GitDaemon.git;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
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

/**
 * A domain whose worker moves to another instance: a fresh worker home, or one with an old tree,
 * takes over from a worker that committed elsewhere. A domain on a remote (a real git daemon on
 * 127.0.0.1) is brought to the commit the log recorded; one without a remote is never applied to
 * on a tree that is not the recorded one, and the drift says what the operator can do.
 */
class DomainTakeoverTest {

    @TempDir
    Path dir;

    private GitDaemon daemon;
    private Path bare;
    private ExecutionContract remote;
    private ExecutionContract local;
    private final List<WorkResult> progress = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        daemon = new GitDaemon(Files.createDirectories(dir.resolve("served"))).start();
        bare = daemon.seed("app.git", Map.of("notes.txt", "one\n"));
        remote = contract("remote: {url: \"" + daemon.url("app.git") + "\", branch: main}");
        local = contract("");
    }

    @AfterEach
    void tearDown() {
        daemon.close();
    }

    private static ExecutionContract contract(String remoteLine) {
        String yaml = """
                version: "test-1"
                domains:
                  main:
                    workspace: ws/main
                    %s
                """.formatted(remoteLine);
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
    }

    /** A worker's home on an instance of its own. */
    private Path home(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    private WorkResult run(Path home, ExecutionContract contract, String id, String recorded) throws Exception {
        Patch p = new Patch(id, "main", "Write " + id, null, "Ann Example <ann@example.org>", null,
                List.of(FileChange.write("docs/" + id + ".md", id + "\n")), null, null, null);
        return new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-" + home.getFileName())
                .run(new WorkOrder("main", id, 1, p, Instant.now(), null, null, recorded), progress::add);
    }

    private WorkResult verify(Path home, ExecutionContract contract, String recorded) {
        return new WorkspaceKeeper(home, () -> contract, Clock.systemUTC())
                .run(WorkOrder.of("main", new WorkspaceTask(WorkspaceTask.VERIFY, 1, recorded, null), Instant.now()));
    }

    private static String committed(WorkResult r) {
        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        return ((WorkResult.Succeeded) r).commitId();
    }

    private WorkResult.Started started() {
        return progress.stream().filter(WorkResult.Started.class::isInstance).map(WorkResult.Started.class::cast)
                .reduce((a, b) -> b).orElseThrow();
    }

    private static Path tree(Path home) {
        return home.resolve("ws/main");
    }

    private String remoteHead() throws Exception {
        return git(bare, "rev-parse", "refs/heads/main");
    }

    private String pushBySomebodyElse(String file, String content) throws Exception {
        Path theirs = dir.resolve("theirs-" + System.nanoTime());
        git(dir, "clone", "-q", daemon.url("app.git"), theirs.toString());
        Files.writeString(theirs.resolve(file), content);
        git(theirs, "add", file);
        git(theirs, "-c", "user.name=T", "-c", "user.email=t@x", "commit", "-qm", "Their change to " + file);
        git(theirs, "push", "-q", "origin", "main");
        return git(theirs, "rev-parse", "HEAD");
    }

    // ---- a domain on a remote ----

    @Test
    void aFreshWorkerHomeClonesTheRemoteAtTheRecordedCommitAndAppliesOnIt() throws Exception {
        Path first = home("first");
        Workspaces.ensure(remote, first);
        String recorded = committed(run(first, remote, "p1", remoteHead()));
        Path fresh = home("fresh");

        String next = committed(run(fresh, remote, "p2", recorded));

        assertThat(git(tree(fresh), "rev-parse", "HEAD^")).isEqualTo(recorded);
        assertThat(remoteHead()).isEqualTo(next);
        assertThat(started().baseCommit()).isEqualTo(recorded);
        assertThat(started().movedFrom()).as("nobody else pushed").isNull();
        assertThat(Files.readString(tree(fresh).resolve("docs/p1.md"))).isEqualTo("p1\n");
    }

    @Test
    void aFreshWorkerHomeFindingTheRemoteMovedPastTheRecordedCommitTellsTheNewBase() throws Exception {
        Path first = home("first");
        Workspaces.ensure(remote, first);
        String recorded = committed(run(first, remote, "p1", remoteHead()));
        String theirs = pushBySomebodyElse("other.txt", "b\n");
        Path fresh = home("fresh");

        committed(run(fresh, remote, "p2", recorded));

        assertThat(started().movedFrom()).isEqualTo(recorded);
        assertThat(started().baseCommit()).isEqualTo(theirs);
        assertThat(git(tree(fresh), "rev-parse", "HEAD^")).isEqualTo(theirs);
        assertThat(remoteHead()).isEqualTo(git(tree(fresh), "rev-parse", "HEAD"));
    }

    @Test
    void aCloneMadeAtStartUpPastTheRecordedCommitTellsTheMoveWithItsFirstPatch() throws Exception {
        Path first = home("first");
        Workspaces.ensure(remote, first);
        String recorded = committed(run(first, remote, "p1", remoteHead()));
        String theirs = pushBySomebodyElse("other.txt", "b\n");
        Path fresh = home("fresh");
        Workspaces.ensure(remote, fresh);
        assertThat(git(tree(fresh), "rev-parse", "HEAD")).isEqualTo(theirs);

        committed(run(fresh, remote, "p2", recorded));

        assertThat(started().movedFrom()).isEqualTo(recorded);
        assertThat(started().baseCommit()).isEqualTo(theirs);
    }

    @Test
    void aStaleCloneIsFetchedForwardToTheRecordedCommitNotTakenForDrift() throws Exception {
        Path stale = home("stale");
        Workspaces.ensure(remote, stale);
        String seed = git(tree(stale), "rev-parse", "HEAD");
        Path other = home("other");
        Workspaces.ensure(remote, other);
        committed(run(other, remote, "p1", seed));
        String recorded = committed(run(other, remote, "p2", git(tree(other), "rev-parse", "HEAD")));

        String next = committed(run(stale, remote, "p3", recorded));

        assertThat(git(tree(stale), "rev-parse", "HEAD^")).isEqualTo(recorded);
        assertThat(started().movedFrom()).isNull();
        assertThat(remoteHead()).isEqualTo(next);
    }

    @Test
    void theIdleCheckBringsAStaleCloneForwardAndFindsItAsRecorded() throws Exception {
        Path stale = home("stale");
        Workspaces.ensure(remote, stale);
        Path other = home("other");
        Workspaces.ensure(remote, other);
        String recorded = committed(run(other, remote, "p1", remoteHead()));

        WorkResult r = verify(stale, remote, recorded);

        assertThat(r).isInstanceOfSatisfying(WorkResult.WorkspaceVerified.class,
                v -> assertThat(v.commitId()).isEqualTo(recorded));
        assertThat(git(tree(stale), "rev-parse", "HEAD")).isEqualTo(recorded);
    }

    @Test
    void theIdleCheckClonesARemoteDomainMissingOnThisInstance() throws Exception {
        Path other = home("other");
        Workspaces.ensure(remote, other);
        String recorded = committed(run(other, remote, "p1", remoteHead()));
        String theirs = pushBySomebodyElse("other.txt", "b\n");
        Path fresh = home("fresh");

        WorkResult r = verify(fresh, remote, recorded);

        assertThat(r).as("at the recorded commit, not at %s pushed since", theirs)
                .isInstanceOfSatisfying(WorkResult.WorkspaceVerified.class,
                        v -> assertThat(v.commitId()).isEqualTo(recorded));
    }

    @Test
    void aStaleCloneWithSomebodysUncommittedEditIsDriftAndKeepsTheEdit() throws Exception {
        Path stale = home("stale");
        Workspaces.ensure(remote, stale);
        String seed = git(tree(stale), "rev-parse", "HEAD");
        Files.writeString(tree(stale).resolve("notes.txt"), "edited by hand\n");
        Path other = home("other");
        Workspaces.ensure(remote, other);
        String recorded = committed(run(other, remote, "p1", seed));

        WorkResult r = run(stale, remote, "p2", recorded);

        assertThat(r).isInstanceOfSatisfying(WorkResult.TreeDrifted.class,
                d -> assertThat(d.detail()).contains("uncommitted changes").contains("notes.txt"));
        assertThat(git(tree(stale), "rev-parse", "HEAD")).isEqualTo(seed);
        assertThat(Files.readString(tree(stale).resolve("notes.txt"))).isEqualTo("edited by hand\n");
        assertThat(Files.exists(tree(stale).resolve("docs/p2.md"))).isFalse();
    }

    // ---- a domain without a remote ----

    @Test
    void aLocalDomainMovedToAnEmptyHomeIsNeverAppliedToAndTheDriftSaysWhatItNeeds() throws Exception {
        Path first = home("first");
        Workspaces.ensure(local, first);
        String recorded = committed(run(first, local, "p1", git(tree(first), "rev-parse", "HEAD")));
        Path moved = home("moved");
        Workspaces.ensure(local, moved);
        String created = git(tree(moved), "rev-parse", "HEAD");

        WorkResult r = run(moved, local, "p2", recorded);

        assertThat(r).isInstanceOfSatisfying(WorkResult.TreeDrifted.class, d -> {
            assertThat(d.expectedCommit()).isEqualTo(recorded);
            assertThat(d.actualCommit()).isEqualTo(created);
            assertThat(d.detail()).contains("has no git remote").contains("one instance")
                    .contains("volume every instance mounts");
        });
        assertThat(git(tree(moved), "rev-parse", "HEAD")).isEqualTo(created);
        assertThat(Files.exists(tree(moved).resolve("docs/p2.md"))).isFalse();
    }

    @Test
    void aLocalDomainWhoseTreeIsAbsentIsRefusedByThePatchAndTheIdleCheckAndIsNotCreated() throws Exception {
        Path first = home("first");
        Workspaces.ensure(local, first);
        String recorded = committed(run(first, local, "p1", git(tree(first), "rev-parse", "HEAD")));
        Path empty = home("empty");

        WorkResult patch = run(empty, local, "p2", recorded);
        WorkResult check = verify(empty, local, recorded);

        assertThat(patch).as("retried: a shared volume may not be mounted yet")
                .isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
                    assertThat(f.failureClass()).isEqualTo(FailureClass.INFRASTRUCTURE);
                    assertThat(f.reason()).contains("does not exist").contains("has no git remote");
                });
        assertThat(check).isInstanceOfSatisfying(WorkResult.DriftFound.class, d -> {
            assertThat(d.expectedCommit()).isEqualTo(recorded);
            assertThat(d.detail()).contains("does not exist").contains("volume every instance mounts");
        });
        assertThat(Files.exists(tree(empty))).isFalse();
    }

    @Test
    void theIdleCheckOfALocalDomainOnAnotherTreeNamesWhereTheTreeLives() throws Exception {
        Path first = home("first");
        Workspaces.ensure(local, first);
        String recorded = committed(run(first, local, "p1", git(tree(first), "rev-parse", "HEAD")));
        Path moved = home("moved");
        Workspaces.ensure(local, moved);

        WorkResult r = verify(moved, local, recorded);

        assertThat(r).isInstanceOfSatisfying(WorkResult.DriftFound.class,
                d -> assertThat(d.detail()).contains("not in the repository").contains("has no git remote"));
    }
}
