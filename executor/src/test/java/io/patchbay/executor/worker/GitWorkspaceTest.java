package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitWorkspaceTest {

    private static final PersonIdent ANN = new PersonIdent("Ann Example", "ann@example.org");

    @TempDir
    Path tree;

    private GitWorkspace ws;

    @BeforeEach
    void setUp() throws Exception {
        Git.init().setDirectory(tree.toFile()).setInitialBranch("main").call().close();
        Files.writeString(tree.resolve("notes.txt"), "one\n");
        Files.writeString(tree.resolve("keep.txt"), "alpha\n");
        Files.writeString(tree.resolve(".gitignore"), "*.log\n");
        ws = GitWorkspace.open(tree);
        ws.git().add().addFilepattern(".").call();
        commitByHand("Seed\n");
    }

    @AfterEach
    void tearDown() {
        ws.close();
    }

    private RevCommit commitByHand(String message) throws Exception {
        return ws.git().commit().setMessage(message).setAuthor(ANN).setCommitter(ANN).setSign(false)
                .setAllowEmpty(true).call();
    }

    private RevCommit applied(String patchId) throws Exception {
        return commitByHand("Patch " + patchId + "\n\n" + PatchRunner.TRAILER + ": " + patchId + "\n");
    }

    private RevCommit commitTouching(ObjectId base, List<String> paths, String patchId) throws Exception {
        return ws.commit(base, paths, "Patch " + patchId + "\n\n" + PatchRunner.TRAILER + ": " + patchId + "\n", ANN,
                Workspaces.PATCHBAY);
    }

    private Status status() throws Exception {
        return ws.git().status().call();
    }

    private boolean inCommit(RevCommit c, String path) throws IOException {
        try (TreeWalk w = TreeWalk.forPath(ws.repository(), path, c.getTree())) {
            return w != null;
        }
    }

    // ---- already applied? -------------------------------------------------------------------

    @Test
    void headAtTheRecordedCommitMeansNotAppliedWithoutLookingFurther() throws Exception {
        applied("p1");
        RevCommit recorded = commitByHand("Later work\n");

        // p1 is in history, but HEAD is where the log says: this order is a fresh one for the tree.
        assertThat(ws.findApplied(recorded, recorded.name(), "p1")).isNull();
    }

    @Test
    void headOneCommitPastTheRecordedOneCarryingTheIdIsApplied() throws Exception {
        ObjectId recorded = ws.head();
        RevCommit c = applied("p1");

        assertThat(ws.findApplied(c, recorded.name(), "p1")).isEqualTo(c);
    }

    @Test
    void headOneCommitPastTheRecordedOneCarryingAnotherIdIsNotApplied() throws Exception {
        ObjectId recorded = ws.head();
        RevCommit c = applied("p2");

        assertThat(ws.findApplied(c, recorded.name(), "p1")).isNull();
    }

    @Test
    void withoutARecordedCommitTheLastCommitsAreLookedAt() throws Exception {
        RevCommit c = applied("p1");
        for (int i = 0; i < GitWorkspace.APPLIED_LOOKBACK - 2; i++) {
            commitByHand("Other " + i + "\n");
        }

        assertThat(ws.findApplied(ws.head(), null, "p1")).isEqualTo(c);
    }

    @Test
    void theLookWithoutARecordedCommitIsBounded() throws Exception {
        applied("p1");
        for (int i = 0; i < GitWorkspace.APPLIED_LOOKBACK; i++) {
            commitByHand("Other " + i + "\n");
        }

        assertThat(ws.findApplied(ws.head(), null, "p1")).isNull();
    }

    @Test
    void aRecordedCommitHeadHasMovedAwayFromGetsTheBoundedLook() throws Exception {
        ObjectId recorded = ws.head();
        RevCommit c = applied("p1");
        commitByHand("By hand, after\n");

        assertThat(ws.findApplied(ws.head(), recorded.name(), "p1")).isEqualTo(c);
    }

    // ---- commit -------------------------------------------------------------------------------

    @Test
    void commitsTheTouchedPathsAsGitAddAllWould() throws Exception {
        ObjectId base = ws.head();
        Files.writeString(tree.resolve("notes.txt"), "one\ntwo\n");
        Files.delete(tree.resolve("keep.txt"));
        Files.createDirectories(tree.resolve("docs/deep"));
        Files.writeString(tree.resolve("docs/deep/new.txt"), "new\n");
        Files.writeString(tree.resolve("build.log"), "ignored\n");

        RevCommit c = commitTouching(base, List.of("notes.txt", "keep.txt", "docs/deep/new.txt", "build.log"), "p1");

        assertThat(ws.head()).isEqualTo(c);
        assertThat(c.getParent(0)).isEqualTo(base);
        assertThat(c.getAuthorIdent().getEmailAddress()).isEqualTo("ann@example.org");
        assertThat(c.getFullMessage()).isEqualTo("Patch p1\n\nPatch-Id: p1\n");
        assertThat(inCommit(c, "docs/deep/new.txt")).isTrue();
        assertThat(inCommit(c, "keep.txt")).isFalse();
        assertThat(inCommit(c, "build.log")).as("ignored, as git add leaves it").isFalse();
        assertThat(status().isClean()).as("%s", status().getUncommittedChanges()).isTrue();
        assertThat(ws.changedFiles(c)).extracting(Summary.ChangedFile::path)
                .containsExactlyInAnyOrder("notes.txt", "keep.txt", "docs/deep/new.txt");
    }

    @Test
    void commitKeepsTheExecutableBit() throws Exception {
        ObjectId base = ws.head();
        Path script = tree.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();

        RevCommit c = commitTouching(base, List.of("run.sh"), "p1");

        try (TreeWalk w = TreeWalk.forPath(ws.repository(), "run.sh", c.getTree())) {
            assertThat(w.getFileMode(0)).isEqualTo(org.eclipse.jgit.lib.FileMode.EXECUTABLE_FILE);
        }
    }

    @Test
    void commitOnAHeadThatMovedIsRefusedAndHeadStays() throws Exception {
        ObjectId base = ws.head();
        RevCommit other = commitByHand("Someone else\n");
        Files.writeString(tree.resolve("notes.txt"), "changed\n");

        assertThatThrownBy(() -> commitTouching(base, List.of("notes.txt"), "p1"))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot move HEAD");
        assertThat(ws.head()).isEqualTo(other);
    }

    @Test
    void indexStatDataStaysFreshSoOnlyTheLastPatchsFilesAreRacy() throws Exception {
        for (int i = 0; i < 5; i++) {
            String path = "f" + i + ".txt";
            Files.writeString(tree.resolve(path), "content " + i + "\n");
            commitTouching(ws.head(), List.of(path), "p" + i);
        }

        DirCache index = ws.repository().readDirCache();
        for (int i = 0; i < 4; i++) {
            assertThat(index.getEntry("f" + i + ".txt").isSmudged()).as("f%d.txt", i).isFalse();
        }
        assertThat(status().isClean()).isTrue();
    }

    // ---- rollback -----------------------------------------------------------------------------

    @Test
    void rollbackRestoresTheTouchedPathsAndRemovesWhatThePatchMade() throws Exception {
        ObjectId base = ws.head();
        Files.writeString(tree.resolve("hand.log"), "an ignored file from before\n");
        Files.writeString(tree.resolve("notes.txt"), "changed\n");
        Files.delete(tree.resolve("keep.txt"));
        Files.createDirectories(tree.resolve("made/deep"));
        Files.writeString(tree.resolve("made/deep/new.txt"), "new\n");
        Files.writeString(tree.resolve("made.log"), "ignored, made by the patch\n");

        ws.rollback(base, List.of("notes.txt", "keep.txt", "made/deep/new.txt", "made.log"), false);

        assertThat(Files.readString(tree.resolve("notes.txt"))).isEqualTo("one\n");
        assertThat(Files.readString(tree.resolve("keep.txt"))).isEqualTo("alpha\n");
        assertThat(tree.resolve("made")).doesNotExist();
        assertThat(tree.resolve("made.log")).doesNotExist();
        assertThat(tree.resolve("hand.log")).exists();
        assertThat(ws.head()).isEqualTo(base);
        assertThat(status().isClean()).as("%s", status().getUncommittedChanges()).isTrue();
    }

    @Test
    void rollbackAfterTheIndexWasStagedPutsTheIndexBackToo() throws Exception {
        ObjectId base = ws.head();
        RevCommit other = commitByHand("Someone else, with the same tree\n");
        moveHead(base);
        Files.writeString(tree.resolve("new.txt"), "new\n");
        Files.writeString(tree.resolve("notes.txt"), "changed\n");
        // HEAD moves under the commit: it fails after the index was staged.
        moveHead(other);
        assertThatThrownBy(() -> commitTouching(base, List.of("new.txt", "notes.txt"), "p1"))
                .isInstanceOf(IOException.class);
        assertThat(ws.repository().readDirCache().getEntry("new.txt")).isNotNull();
        moveHead(base);

        ws.rollback(base, List.of("new.txt", "notes.txt"), false);

        assertThat(tree.resolve("new.txt")).doesNotExist();
        assertThat(ws.repository().readDirCache().getEntry("new.txt")).isNull();
        assertThat(status().isClean()).as("%s", status().getUncommittedChanges()).isTrue();
    }

    private void moveHead(ObjectId to) throws IOException {
        var u = ws.repository().updateRef("HEAD");
        u.setNewObjectId(to);
        u.forceUpdate();
    }
}
