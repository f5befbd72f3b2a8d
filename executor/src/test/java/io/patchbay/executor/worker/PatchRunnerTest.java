package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchRunnerTest {

    private static final String CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  shell: true
                  allow: [["sh"], ["true"], ["false"]]
                limits:
                  commandTimeout: 30s
                  outputBytes: 4096
            """;

    @TempDir
    Path home;

    private ExecutionContract contract = parse(CONTRACT);
    private Path tree;
    private PatchRunner runner;
    private final List<WorkResult> progress = new ArrayList<>();

    private static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
    }

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\ntwo\nthree\n");
        Files.writeString(tree.resolve("keep.txt"), "alpha\nbeta\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Patch patch(String id, String diff, List<FileChange> files, List<List<String>> commands,
            List<Gate> gates) {
        return new Patch(id, "main", "Title of " + id, null, "Ann Example <ann@example.org>", diff, files, commands,
                gates, null);
    }

    private WorkResult run(Patch p) throws InterruptedException {
        return runner.run(new WorkOrder("main", p.id(), 1, p, Instant.now()), progress::add);
    }

    private int commits() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            int n = 0;
            for (RevCommit ignored : git.log().call()) {
                n++;
            }
            return n;
        }
    }

    private RevCommit head() throws Exception {
        try (Git git = Git.open(tree.toFile())) {
            return git.log().setMaxCount(1).call().iterator().next();
        }
    }

    /** Every file of the working tree outside .git, with its content. */
    private Map<String, String> snapshot() throws IOException {
        return TreeSnapshot.of(tree);
    }

    // ---- the contract at write time --------------------------------------------------------

    @Test
    void refusesAPathTheContractDeniesNowAndWritesNothing() throws Exception {
        // Accepted under the old contract; the contract changed before the patch ran.
        String denying = CONTRACT.replace("    workspace: ws/main\n",
                "    workspace: ws/main\n    paths: {deny: [\"notes.txt\"]}\n");
        assertThat(denying).contains("deny");
        contract = parse(denying);
        Map<String, String> before = snapshot();
        String diff = "--- a/notes.txt\n+++ b/notes.txt\n@@ -1,3 +1,3 @@\n-one\n+ONE\n two\n three\n";

        WorkResult r = run(patch("d1", diff, List.of(FileChange.write("other.txt", "x\n")), null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass().retriable()).isFalse();
            assertThat(f.reason()).contains("PATH_DENIED").contains("notes.txt");
        });
        assertThat(snapshot()).isEqualTo(before);

        WorkResult files = run(patch("d2", null, List.of(FileChange.write("notes.txt", "x\n")), null, null));
        assertThat(files).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.reason()).contains("PATH_DENIED"));
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- success ----------------------------------------------------------------------------

    @Test
    void wholeFileWriteLandsAsOneCommitWithTheTrailer() throws Exception {
        int before = commits();
        String base = head().name();

        WorkResult r = run(patch("p1", null, List.of(FileChange.write("docs/notes.md", "release notes\n")), null, null));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        var s = (WorkResult.Succeeded) r;
        assertThat(s.alreadyApplied()).isFalse();
        assertThat(s.changedFiles()).containsExactly("docs/notes.md");
        assertThat(commits()).isEqualTo(before + 1);
        RevCommit head = head();
        assertThat(head.name()).isEqualTo(s.commitId());
        assertThat(head.getFullMessage()).isEqualTo("Title of p1\n\nPatch-Id: p1\n");
        assertThat(head.getAuthorIdent().getName()).isEqualTo("Ann Example");
        assertThat(head.getAuthorIdent().getEmailAddress()).isEqualTo("ann@example.org");
        assertThat(head.getCommitterIdent().getName()).isEqualTo("patchbay");
        assertThat(Files.readString(tree.resolve("docs/notes.md"))).isEqualTo("release notes\n");
        assertThat(progress).singleElement().isInstanceOfSatisfying(WorkResult.Started.class, st -> {
            assertThat(st.baseCommit()).isEqualTo(base);
            assertThat(st.worker()).isEqualTo("worker-1");
        });

        assertThat(s.summaryPath()).isEqualTo("var/summaries/main/p1.md");
        String summary = Files.readString(home.resolve(s.summaryPath()));
        assertThat(summary).isEqualTo(s.summary())
                .contains("# Title of p1", "`p1`", "main", "Succeeded", s.commitId(), "`docs/notes.md` | add | 1 | 0");
        try (Git git = Git.open(tree.toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
    }

    @Test
    void gitStyleUnifiedDiffLandsAsOneCommit() throws Exception {
        String diff = """
                diff --git a/notes.txt b/notes.txt
                index 4c5fd91..d1e1d0d 100644
                --- a/notes.txt
                +++ b/notes.txt
                @@ -1,3 +1,3 @@
                 one
                -two
                +TWO
                 three
                diff --git a/added/new.txt b/added/new.txt
                new file mode 100644
                index 0000000..3b18e51
                --- /dev/null
                +++ b/added/new.txt
                @@ -0,0 +1 @@
                +hello world
                diff --git a/keep.txt b/keep.txt
                deleted file mode 100644
                index 0e2f2a6..0000000
                --- a/keep.txt
                +++ /dev/null
                @@ -1,2 +0,0 @@
                -alpha
                -beta
                """;
        int before = commits();

        WorkResult r = run(patch("d1", diff, null, null, null));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(((WorkResult.Succeeded) r).changedFiles())
                .containsExactlyInAnyOrder("notes.txt", "added/new.txt", "keep.txt");
        assertThat(commits()).isEqualTo(before + 1);
        assertThat(head().getFooterLines()).anySatisfy(f -> assertThat(f.toString()).isEqualTo("Patch-Id: d1"));
        assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("one\nTWO\nthree\n");
        assertThat(Files.readString(tree.resolve("added/new.txt"))).isEqualTo("hello world\n");
        assertThat(tree.resolve("keep.txt")).doesNotExist();
        assertThat(((WorkResult.Succeeded) r).summary()).contains("`notes.txt` | modify | 1 | 1");
        try (Git git = Git.open(tree.toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
    }

    @Test
    void traditionalUnifiedDiffWithoutGitHeadersApplies() throws Exception {
        String diff = """
                --- a/notes.txt	2026-11-23 10:00:00.000000000 +0000
                +++ b/notes.txt	2026-11-23 10:01:00.000000000 +0000
                @@ -2,2 +2,3 @@
                 two
                 three
                +four
                """;

        WorkResult r = run(patch("u1", diff, null, null, null));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("one\ntwo\nthree\nfour\n");
    }

    @Test
    void renameAndModeChangeFromAGitDiffAreCommitted() throws Exception {
        String diff = """
                diff --git a/notes.txt b/docs/notes.md
                similarity index 100%
                rename from notes.txt
                rename to docs/notes.md
                diff --git a/keep.txt b/keep.txt
                old mode 100644
                new mode 100755
                """;

        WorkResult r = run(patch("rn", diff, null, null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.changedFiles()).containsExactlyInAnyOrder("docs/notes.md", "keep.txt"));
        assertThat(tree.resolve("notes.txt")).doesNotExist();
        assertThat(Files.readString(tree.resolve("docs/notes.md"))).isEqualTo("one\ntwo\nthree\n");
        try (Git git = Git.open(tree.toFile());
                TreeWalk keep = TreeWalk.forPath(git.getRepository(), "keep.txt", head().getTree())) {
            assertThat(keep.getFileMode(0)).isEqualTo(FileMode.EXECUTABLE_FILE);
            assertThat(git.status().call().isClean()).isTrue();
        }
    }

    @Test
    void hunkThatDoesNotMatchIsNamedWithWhatItLookedFor() throws Exception {
        String diff = """
                --- a/notes.txt
                +++ b/notes.txt
                @@ -1,3 +1,3 @@
                 one
                -deux
                +TWO
                 three
                """;

        WorkResult r = run(patch("nm", diff, null, null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).isEqualTo("hunk #1 of notes.txt (at line 1) does not match the file");
            assertThat(f.detail()).contains("deux");
        });
    }

    @Test
    void fileDeleteIsCommitted() throws Exception {
        WorkResult r = run(patch("del", null, List.of(FileChange.remove("keep.txt")), null, null));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(tree.resolve("keep.txt")).doesNotExist();
        try (Git git = Git.open(tree.toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
        }
        assertThat(((WorkResult.Succeeded) r).changedFiles()).containsExactly("keep.txt");
    }

    @Test
    void unparseableAuthorFallsBackToPatchbay() throws Exception {
        Patch p = new Patch("a1", "main", "T", null, "just a name", null, List.of(FileChange.write("x.txt", "x")),
                null, null, null);

        run(p);

        assertThat(head().getAuthorIdent().getEmailAddress()).isEqualTo("patchbay@localhost");
    }

    // ---- failure and rollback ---------------------------------------------------------------

    @Test
    void diffThatDoesNotApplyFailsAndLeavesTheTreeByteIdentical() throws Exception {
        String diff = """
                diff --git a/notes.txt b/notes.txt
                --- a/notes.txt
                +++ b/notes.txt
                @@ -1,3 +1,3 @@
                 one
                -two
                +TWO
                 three
                diff --git a/keep.txt b/keep.txt
                --- a/keep.txt
                +++ b/keep.txt
                @@ -1,2 +1,2 @@
                 alpha
                -gamma
                +delta
                diff --git a/fresh.txt b/fresh.txt
                new file mode 100644
                --- /dev/null
                +++ b/fresh.txt
                @@ -0,0 +1 @@
                +new
                """;
        Map<String, String> before = snapshot();
        int commits = commits();

        WorkResult r = run(patch("bad", diff, null, null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).contains("keep.txt");
            assertThat(f.summaryPath()).isNotNull();
        });
        assertThat(snapshot()).isEqualTo(before);
        assertThat(commits()).isEqualTo(commits);
    }

    @Test
    void hunkNumbersBeyondAnyFileAreThePatchsFaultNotTheMachines() throws Exception {
        String diff = """
                diff --git a/notes.txt b/notes.txt
                --- a/notes.txt
                +++ b/notes.txt
                @@ -99999999999,1 +1 @@
                -one
                +ONE
                """;
        Map<String, String> before = snapshot();

        WorkResult r = run(patch("huge-hunk", diff, null, null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).doesNotContain("the worker failed");
        });
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void binaryDiffWithoutDataIsRefused() throws Exception {
        String diff = """
                diff --git a/logo.png b/logo.png
                new file mode 100644
                index 0000000..1234567
                Binary files /dev/null and b/logo.png differ
                """;
        Map<String, String> before = snapshot();

        WorkResult r = run(patch("bin", diff, null, null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void failingGateRollsBackTrackedAndUntrackedChanges() throws Exception {
        Map<String, String> before = snapshot();
        int commits = commits();
        Patch p = patch("g1", null,
                List.of(FileChange.write("notes.txt", "changed\n"), FileChange.write("brand/new.txt", "new\n")),
                List.of(List.of("sh", "-c", "echo made-by-command > generated.txt")),
                List.of(Gate.command("check", List.of("sh", "-c", "echo the check failed; exit 3"))));

        WorkResult r = run(p);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.GATE_FAILED);
            assertThat(f.reason()).contains("check", "3");
            assertThat(f.detail()).contains("the check failed");
            assertThat(f.gates()).singleElement().satisfies(g -> {
                assertThat(g.passed()).isFalse();
                assertThat(g.exitCode()).isEqualTo(3);
            });
        });
        assertThat(snapshot()).isEqualTo(before);
        assertThat(commits()).isEqualTo(commits);
        assertThat(progress).hasSize(2).last().isInstanceOf(WorkResult.GateFinished.class);
        assertThat(Files.readString(home.resolve(PatchRunner.summaryPath("main", "g1"))))
                .contains("GATE_FAILED", "the check failed", "| check | failed | 3 |");
    }

    @Test
    void failingCommandRollsBackAndReportsItsExitCode() throws Exception {
        Map<String, String> before = snapshot();
        Patch p = patch("c1", null, List.of(FileChange.write("notes.txt", "changed\n")),
                List.of(List.of("sh", "-c", "echo oops >&2; exit 7")), null);

        WorkResult r = run(p);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.COMMAND_FAILED);
            assertThat(f.reason()).contains("exited with 7");
            assertThat(f.detail()).contains("oops");
        });
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void gatePastItsTimeoutIsKilledWithItsChildAndReportedAsTimeout() throws Exception {
        String marker = Processes.uniqueSleep(60);
        Gate slow = new Gate("slow", List.of("sh", "-c", "sleep " + marker + " & echo started; wait"), "1s", null);
        Patch p = patch("t1", null, List.of(FileChange.write("x.txt", "x\n")), null, List.of(slow));
        long t0 = System.nanoTime();

        WorkResult r = run(p);

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(r).isInstanceOf(WorkResult.Failed.class);
        var f = (WorkResult.Failed) r;
        assertThat(f.failureClass()).isEqualTo(FailureClass.TIMEOUT);
        assertThat(f.detail()).contains("started");
        await().atMost(Duration.ofSeconds(5)).until(() -> Processes.withArgument(marker).isEmpty());
        assertThat(tree.resolve("x.txt")).doesNotExist();
    }

    @Test
    void symlinkEscapeIsRefused(@TempDir Path outside) throws Exception {
        Files.createSymbolicLink(tree.resolve("out"), outside);
        Files.createSymbolicLink(tree.resolve("passwd"), outside.resolve("passwd"));
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Links\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        Map<String, String> before = snapshot();

        WorkResult viaDir = run(patch("s1", null,
                List.of(FileChange.write("fine.txt", "ok"), FileChange.write("out/evil.txt", "boom")), null, null));
        WorkResult viaFile = run(patch("s2", null, List.of(FileChange.write("passwd", "root::0:0")), null, null));
        String diff = """
                diff --git a/out/evil.txt b/out/evil.txt
                new file mode 100644
                --- /dev/null
                +++ b/out/evil.txt
                @@ -0,0 +1 @@
                +boom
                """;
        WorkResult viaDiff = run(patch("s3", diff, null, null, null));

        for (WorkResult r : List.of(viaDir, viaFile, viaDiff)) {
            assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
                assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
                assertThat(f.reason()).contains("outside the working tree");
            });
        }
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void writeIntoGitDirIsRefusedEvenIfTheVerdictMissedIt() throws Exception {
        WorkResult r = run(patch("gd", null, List.of(FileChange.write("sub/../.git/config", "x")), null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.reason()).contains(".git"));
    }

    // ---- idempotency ------------------------------------------------------------------------

    @Test
    void redeliveredOrderIsReportedAsAlreadyAppliedAndCommitsOnce() throws Exception {
        Patch p = patch("r1", null, List.of(FileChange.write("r.txt", "once\n")), null, null);
        var first = (WorkResult.Succeeded) run(p);
        int commits = commits();
        progress.clear();

        WorkResult again = runner.run(new WorkOrder("main", "r1", 2, p, Instant.now()), progress::add);

        assertThat(again).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isTrue();
            assertThat(s.commitId()).isEqualTo(first.commitId());
            assertThat(s.attempt()).isEqualTo(2);
            assertThat(s.changedFiles()).containsExactly("r.txt");
            assertThat(s.summary()).isEqualTo(first.summary());
        });
        assertThat(commits()).isEqualTo(commits);
        assertThat(progress).isEmpty();
    }

    @Test
    void halfAppliedTreeOfAnInterruptedRunIsResetBeforeTheRun() throws Exception {
        // What a run killed mid-way leaves: its mark in the git folder, and its half-written files.
        try (Git git = Git.open(tree.toFile())) {
            new RunMarker(git.getRepository()).write("killed", 1, git.getRepository().resolve("HEAD").name());
        }
        Files.writeString(tree.resolve("notes.txt"), "half-applied\n");
        Files.writeString(tree.resolve("stray.txt"), "left by a crash\n");

        WorkResult r = run(patch("h1", null, List.of(FileChange.write("h.txt", "h\n")), null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.changedFiles()).containsExactly("h.txt"));
        assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("one\ntwo\nthree\n");
        assertThat(tree.resolve("stray.txt")).doesNotExist();
        assertThat(tree.resolve(".git/" + RunMarker.NAME)).doesNotExist();
    }

    // ---- gates and preconditions ------------------------------------------------------------

    @Test
    void contractGatesRequiredAlwaysAndDefaultsOnlyWhenThePatchHasNone() throws Exception {
        contract = parse(CONTRACT + """
                    gates:
                      required:
                        - {name: must, run: ["true"]}
                      defaults:
                        - {name: fallback, run: ["sh", "-c", "test -f d.txt"]}
                """);
        Patch withoutGates = patch("n1", null, List.of(FileChange.write("d.txt", "d")), null, null);
        Patch withGate = patch("n2", null, List.of(FileChange.write("e.txt", "release")), null,
                List.of(Gate.fileContains("mentions", "e.txt", "release")));

        var a = (WorkResult.Succeeded) run(withoutGates);
        var b = (WorkResult.Succeeded) run(withGate);

        assertThat(a.gates()).extracting(GateResult::name).containsExactly("must", "fallback");
        assertThat(b.gates()).extracting(GateResult::name).containsExactly("must", "mentions");
        assertThat(b.gates()).allSatisfy(g -> assertThat(g.passed()).isTrue());
    }

    @Test
    void fileContainsGateFailsWhenTheTextIsMissing() throws Exception {
        Patch p = patch("fc", null, List.of(FileChange.write("e.txt", "nothing here")), null,
                List.of(Gate.fileContains("mentions", "e.txt", "release")));

        WorkResult r = run(p);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.GATE_FAILED);
            assertThat(f.detail()).contains("does not contain");
        });
        assertThat(tree.resolve("e.txt")).doesNotExist();
    }

    @Test
    void gatesSeeOnlyTheScrubbedEnvironment() throws Exception {
        Gate env = Gate.command("env", List.of("sh", "-c",
                "test \"$PATCHBAY_PATCH_ID\" = env1 && test \"$PATCHBAY_DOMAIN\" = main && test -z \"$JAVA_HOME$MAVEN_OPTS\""));
        Patch p = patch("env1", null, List.of(FileChange.write("v.txt", "v")), null, List.of(env));

        assertThat(run(p)).isInstanceOf(WorkResult.Succeeded.class);
    }

    @Test
    void unexpectedBaseCommitIsAPreconditionFailure() throws Exception {
        Patch p = new Patch("e1", "main", "T", null, null, null, List.of(FileChange.write("x", "x")), null, null,
                new Patch.Expect("0000000"));

        WorkResult r = run(p);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.failureClass()).isEqualTo(FailureClass.PRECONDITION));
        assertThat(tree.resolve("x")).doesNotExist();
    }

    @Test
    void missingWorkingTreeIsAnInfrastructureFailure() throws Exception {
        contract = parse(CONTRACT.replace("ws/main", "ws/elsewhere"));

        WorkResult r = run(patch("m1", null, List.of(FileChange.write("x", "x")), null, null));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.INFRASTRUCTURE);
            assertThat(f.failureClass().retriable()).isTrue();
        });
    }

    @Test
    void summaryFileNameCannotLeaveTheSummaryFolder() {
        assertThat(PatchRunner.summaryPath("main", "../../etc/passwd"))
                .isEqualTo(Path.of("var", "summaries", "main", "_._.._etc_passwd.md"));
    }
}
