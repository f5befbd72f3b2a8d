package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A patch's commit names who asked as its author, patchbay as committer, and the patch id in its trailer; read back with git itself. */
class CommitAuthorTest {

    private static final String CONTRACT = """
            version: "authors-1"
            identities:
              alice: ["slack:U0ALICE", "http:alice-ci"]
            domains:
              main:
                workspace: ws/main
            """;

    @TempDir
    Path home;

    private final ExecutionContract contract =
            ContractLoader.parse(CONTRACT.getBytes(StandardCharsets.UTF_8), "test");
    private Path tree;
    private PatchRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\ntwo\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    private static Patch writes(String id, String file) {
        return new Patch(id, "main", "Write " + file, null, null, (String) null,
                List.of(FileChange.write(file, id + "\n")), null, null, null);
    }

    private WorkResult run(Patch p, Submitter by) throws InterruptedException {
        return runner.run(new WorkOrder("main", p.id(), 1, p, Instant.now()).withSubmitter(by), r -> { });
    }

    /** {@code author|committer|Patch-Id trailer} of HEAD, as git prints them. */
    private String head() throws IOException, InterruptedException {
        Process git = new ProcessBuilder("git", "-C", tree.toString(), "log", "-1",
                "--format=%an <%ae>|%cn <%ce>|%(trailers:key=Patch-Id,valueonly,separator=%x2C)")
                .redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void slackUserListedUnderIdentitiesAuthorsAsThatPerson() throws Exception {
        WorkResult r = run(writes("s1", "a.txt"), Submitter.slack("U0ALICE", "C0MAIN"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(head()).isEqualTo("alice <alice@patchbay.invalid>|patchbay <patchbay@localhost>|s1");
    }

    @Test
    void slackUserListedNowhereAuthorsAsTheCredentialOnAnInvalidDomain() throws Exception {
        run(writes("s2", "b.txt"), Submitter.slack("U0BAR", "C0BAR"));

        assertThat(head()).isEqualTo("slack:U0BAR <U0BAR@slack.invalid>|patchbay <patchbay@localhost>|s2");
    }

    @Test
    void httpTokenAuthorsAsItsPersonOrItsTokenName() throws Exception {
        run(writes("h1", "c.txt"), Submitter.http("alice-ci"));
        assertThat(head()).isEqualTo("alice <alice@patchbay.invalid>|patchbay <patchbay@localhost>|h1");

        run(writes("h2", "d.txt"), Submitter.http("deploy bot"));
        assertThat(head()).isEqualTo("http:deploy bot <deploy-bot@http.invalid>|patchbay <patchbay@localhost>|h2");
    }

    @Test
    void spoolFileAuthorsAsTheSpoolOfItsDomain() throws Exception {
        run(writes("f1", "e.txt"), Submitter.spool("main"));

        assertThat(head()).isEqualTo("spool:main <main@spool.invalid>|patchbay <patchbay@localhost>|f1");
    }

    @Test
    void formatPatchFromHeaderWinsOverTheSubmitterAndIsDecoded() throws Exception {
        String mbox = """
                From 3f2a9c0d1e Mon Sep 17 00:00:00 2001
                From: =?UTF-8?q?J=C3=B6rg=20M=C3=BCller?= <joerg@example.org>
                Date: Sat, 28 Nov 2026 10:00:00 +0000
                Subject: [PATCH] Say three

                ---
                 notes.txt | 1 +
                 1 file changed, 1 insertion(+)

                diff --git a/notes.txt b/notes.txt
                --- a/notes.txt
                +++ b/notes.txt
                @@ -1,2 +1,3 @@
                 one
                 two
                +three
                --\s
                2.39.2
                """;
        Patch read = PatchReader.read(mbox.getBytes(StandardCharsets.UTF_8), PatchReader.Format.DIFF, "main")
                .withId("m1");

        WorkResult r = run(read, Submitter.slack("U0BAR", "C0BAR"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(head()).isEqualTo("Jörg Müller <joerg@example.org>|patchbay <patchbay@localhost>|m1");
    }

    @Test
    void jsonPatchCarryingAnMboxDiffTakesItsFromHeader() throws Exception {
        String mbox = "From: Ann Example <ann@example.org>\nSubject: [PATCH] Say three\n\n---\n"
                + "diff --git a/notes.txt b/notes.txt\n--- a/notes.txt\n+++ b/notes.txt\n"
                + "@@ -1,2 +1,3 @@\n one\n two\n+three\n";
        Patch json = new Patch("j1", "main", "Say three", null, null, mbox, null, null, null, null);

        run(json, Submitter.http("alice-ci"));

        assertThat(head()).isEqualTo("Ann Example <ann@example.org>|patchbay <patchbay@localhost>|j1");
    }

    @Test
    void alreadyAppliedCheckStillFindsTheCommitByItsTrailer() throws Exception {
        Patch p = writes("again", "f.txt");
        WorkResult first = run(p, Submitter.slack("U0BAR", "C0BAR"));
        String commit = ((WorkResult.Succeeded) first).commitId();

        WorkResult second = runner.run(new WorkOrder("main", "again", 2, p, Instant.now())
                .withSubmitter(Submitter.slack("U0BAR", "C0BAR")), r -> { });

        assertThat(second).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.alreadyApplied()).isTrue();
            assertThat(s.commitId()).isEqualTo(commit);
        });
    }

    @Test
    void orderWithoutSubmitterIsAuthoredByPatchbay() throws Exception {
        runner.run(new WorkOrder("main", "old", 1, writes("old", "g.txt"), Instant.now()), r -> { });

        assertThat(head()).isEqualTo("patchbay <patchbay@localhost>|patchbay <patchbay@localhost>|old");
    }
}
