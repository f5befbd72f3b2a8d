package io.patchbay.executor.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.FooterKey;
import org.eclipse.jgit.revwalk.FooterLine;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;
import org.eclipse.jgit.treewalk.filter.PathFilterGroup;
import org.eclipse.jgit.util.io.DisabledOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A domain's working tree as the worker changes it: prepare (stale locks, leftovers of a killed
 * run), "already applied?", the drift check, commit and rollback. Where the paths a patch touched
 * are known, commit and rollback handle those paths only, so that a patch costs the same on a tree
 * of ten files as on one of ten thousand, with a history of any length; the one whole-tree look
 * per patch is the drift check, which reads the index's stat data as {@code git status} does. (Running
 * {@code git status} itself instead was measured on git's own tree of 4,800 files: a warm JGit status
 * took about 50 ms of CPU and 56 ms of wall time, the git process 65 ms and 84 ms, so it stays in JGit.)
 *
 * <p>The commit is written as {@code git commit} writes it (the tree of the index, here built from
 * the base's tree along the changed paths alone by {@link ChangedTrees}, then HEAD moved from the
 * base to the new commit in one compare-and-set ref update, which is the commit point),
 * and no hook runs: the repository is opened through {@link HooklessFs}, and a patch's run uses no
 * JGit command that looks for hooks (the keeper's adopt does, and finds none through that file system).
 *
 * <p>Over 300 lines because it is every git operation of a patch's run in one place (prepare,
 * "applied?", commit, rollback, changed files), and the workspace keeper's reset and adopt beside
 * them: split, each part would need the others' rules.
 */
final class GitWorkspace implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GitWorkspace.class);

    /** How many first-parent commits "already applied?" looks at when the log's commit does not answer it. */
    static final int APPLIED_LOOKBACK = 50;

    private static final FooterKey TRAILER_KEY = new FooterKey(PatchRunner.TRAILER);

    private final Path tree;
    private final Git git;
    private final Repository repo;

    private GitWorkspace(Path tree, Git git) {
        this.tree = tree;
        this.git = git;
        this.repo = git.getRepository();
    }

    /** Opens the working tree for patchbay's own git work ({@link Workspaces#open}). */
    static GitWorkspace open(Path tree) throws IOException {
        return new GitWorkspace(tree, Workspaces.open(tree));
    }

    Git git() {
        return git;
    }

    Repository repository() {
        return repo;
    }

    /** The commit HEAD is at, or null when there is none. */
    ObjectId head() throws IOException {
        return repo.resolve(Constants.HEAD);
    }

    @Override
    public void close() {
        git.close();
    }

    // ---- prepare ------------------------------------------------------------------------------

    /**
     * A worker killed in the middle of a git operation leaves lock files behind, and every later
     * operation would then fail. This worker is the only writer of the tree and runs one order at
     * a time per domain, so a lock present before an order starts is stale.
     */
    void removeStaleLocks() throws IOException {
        Path gitDir = repo.getDirectory().toPath();
        Path objects = gitDir.resolve("objects");
        List<Path> locks = new ArrayList<>();
        // The object store is not walked: no lock in it stops git, and its loose objects grow with every
        // commit, so walking it would make each run a little slower than the one before.
        Files.walkFileTree(gitDir, EnumSet.noneOf(FileVisitOption.class), 6, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(objects) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.getFileName().toString().endsWith(".lock")) {
                    locks.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path lock : locks) {
            log.warn("removing the stale git lock {} left by an interrupted run", lock);
            Files.deleteIfExists(lock);
        }
    }

    /**
     * The whole tree back at the commit: index and files reset, files git does not know removed.
     * Ignored files (build caches and the like) stay: gates may depend on them.
     */
    void cleanTo(ObjectId commit) throws GitAPIException {
        git.reset().setMode(ResetCommand.ResetType.HARD).setRef(commit.name()).call();
        git.clean().setCleanDirectories(true).setForce(true).call();
    }

    /** Whether the tree is what the log says ({@link TreeVerifier}). */
    Optional<TreeVerifier.Drift> drift(String expectedHead) throws IOException, GitAPIException {
        return TreeVerifier.check(git, expectedHead);
    }

    // ---- the workspace keeper's adopt -----------------------------------------------------------

    /** The tree's uncommitted changes by kind ({@link TreeVerifier#describeChanges}), or null when it is clean. */
    String uncommittedChanges() throws GitAPIException {
        return TreeVerifier.describeChanges(git.status().call());
    }

    /**
     * Commits the tree as it is, every change and untracked file included (ignored ones not). An
     * operator's adopt is rare and whole-tree by nature, so it goes through JGit's own add and commit.
     */
    RevCommit commitAll(String message, PersonIdent who) throws GitAPIException {
        git.add().addFilepattern(".").setAll(true).call();
        return git.commit().setMessage(message).setAuthor(who).setCommitter(who).setAllowEmpty(true)
                .setNoVerify(true).setSign(false).call();
    }

    // ---- already applied? ---------------------------------------------------------------------

    /**
     * The commit that applied the patch, or null, without walking history: the log's commit for the
     * domain says where the tree was when the order was made. HEAD still there: not applied. HEAD
     * one commit past it, carrying the patch's trailer: applied (the worker was stopped between its
     * commit and its report). Anything else (an order from before the log carried the commit, or a
     * tree someone moved) gets a bounded look at the last {@value #APPLIED_LOOKBACK} first-parent
     * commits.
     *
     * @param expectedHead the commit the log last recorded for the domain, or null when it does not know
     */
    RevCommit findApplied(ObjectId head, String expectedHead, String patchId) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit headCommit = walk.parseCommit(head);
            if (expectedHead != null) {
                if (head.name().equals(expectedHead)) {
                    return null;
                }
                if (headCommit.getParentCount() > 0 && headCommit.getParent(0).name().equals(expectedHead)
                        && carries(headCommit, patchId)) {
                    return headCommit;
                }
            }
            RevCommit c = headCommit;
            for (int n = 0; n < APPLIED_LOOKBACK && c != null; n++) {
                walk.parseBody(c);
                if (carries(c, patchId)) {
                    return c;
                }
                c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
            }
            return null;
        }
    }

    /**
     * Where a pipelined order stands ({@link io.patchbay.contracts.work.WorkOrder#after()}): from
     * HEAD's commit alone when it is this patch's (applied before a crash) or the one it follows
     * (its turn); only when it is neither are the last commits looked through for this patch.
     */
    FollowCheck follows(ObjectId head, String patchId, String after) throws IOException {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit headCommit = walk.parseCommit(head);
            if (carries(headCommit, patchId)) {
                return new FollowCheck(headCommit, false);
            }
            if (carries(headCommit, after)) {
                return new FollowCheck(null, true);
            }
        }
        return new FollowCheck(findApplied(head, null, patchId), false);
    }

    /** {@code applied}: the commit that applied the patch, or null; {@code turn}: HEAD is the patch it follows. */
    record FollowCheck(RevCommit applied, boolean turn) {}

    /** Whether the commit's message has a {@code Patch-Id:} trailer naming the patch. */
    static boolean carries(RevCommit c, String patchId) {
        for (FooterLine f : c.getFooterLines()) {
            if (f.matches(TRAILER_KEY) && patchId.equals(f.getValue().strip())) {
                return true;
            }
        }
        return false;
    }

    // ---- commit -------------------------------------------------------------------------------

    /**
     * Commits the working tree on top of {@code base} and returns the commit.
     *
     * @param touched every path that may differ from {@code base}, or null when that is not known
     *     (commands ran, and they may have changed any file): then the whole tree is scanned, as
     *     {@code git add --all .} does
     * @throws IOException when HEAD is no longer where it was (at {@code base}, or where the commands
     *     left it), among others; nothing is then committed
     */
    RevCommit commit(ObjectId base, Collection<String> touched, String message, PersonIdent author,
            PersonIdent committer) throws IOException, GitAPIException {
        ObjectId parent = base;
        ObjectId id;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId treeId;
            if (touched == null) {
                git.add().addFilepattern(".").setAll(true).call();
                treeId = repo.readDirCache().writeTree(ins);
                // An unsandboxed command may have committed on its own; the patch's commit goes on top, as git's would.
                parent = head();
            } else {
                treeId = stage(base, touched, ins);
            }
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(treeId);
            c.setParentId(parent);
            c.setAuthor(author);
            c.setCommitter(committer);
            c.setMessage(message);
            id = ins.insert(c);
            ins.flush();
        }
        RevCommit commit = repo.parseCommit(id);
        // The commit point: HEAD (or the branch it names) moves from the base to the commit, or not at all.
        RefUpdate ru = repo.updateRef(Constants.HEAD);
        ru.setExpectedOldObjectId(parent);
        ru.setNewObjectId(id);
        ru.setRefLogMessage("commit: " + commit.getShortMessage(), false);
        RefUpdate.Result r = ru.update();
        if (r != RefUpdate.Result.FAST_FORWARD && r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED) {
            throw new IOException("cannot move HEAD from " + parent.name() + " to the new commit " + id.name() + ": "
                    + r);
        }
        return commit;
    }

    /**
     * Brings the index's entries for those paths in line with the files (new, changed, deleted;
     * ignored new files are left out, as {@code git add} leaves them), with their stat data, writes
     * it, and returns the tree of {@code base} with the same changes ({@link ChangedTrees}): the
     * index matched {@code base} before the run (the drift check saw to it), so the two agree, and
     * only the trees along the changed paths are written. Written this way, only the entries of
     * files changed since the last write can be racily clean, so the next drift check reads those
     * few again and no other file.
     */
    private ObjectId stage(ObjectId base, Collection<String> touched, ObjectInserter ins) throws IOException {
        List<ChangedTrees.Change> changes = new ArrayList<>();
        DirCache index = repo.lockDirCache();
        try {
            DirCacheEditor editor = index.editor();
            if (!touched.isEmpty()) {
                edit(index, editor, new TreeSet<>(touched), ins, changes);
                // The blobs are stored before the index names them.
                ins.flush();
            }
            editor.finish();
            index.write();
            if (!index.commit()) {
                throw new IOException("cannot write the index of " + tree);
            }
        } finally {
            index.unlock();
        }
        try (ObjectReader reader = repo.newObjectReader()) {
            return ChangedTrees.write(reader, ins, repo.parseCommit(base).getTree(), changes);
        }
    }

    private void edit(DirCache index, DirCacheEditor editor, Set<String> paths, ObjectInserter ins,
            List<ChangedTrees.Change> changes) throws IOException {
        try (TreeWalk walk = new TreeWalk(repo)) {
            walk.setRecursive(true);
            walk.setFilter(PathFilterGroup.createFromStrings(paths));
            int cached = walk.addTree(new DirCacheIterator(index));
            FileTreeIterator files = new FileTreeIterator(repo);
            int disk = walk.addTree(files);
            files.setDirCacheIterator(walk, cached);
            while (walk.next()) {
                String path = walk.getPathString();
                DirCacheIterator c = walk.getTree(cached, DirCacheIterator.class);
                WorkingTreeIterator f = walk.getTree(disk, WorkingTreeIterator.class);
                DirCacheEntry entry = c == null ? null : c.getDirCacheEntry();
                if (f == null) {
                    if (entry != null) {
                        editor.add(new DirCacheEditor.DeletePath(path));
                        changes.add(ChangedTrees.Change.removed(path));
                    }
                    continue;
                }
                if (entry == null && f.isEntryIgnored()) {
                    continue;
                }
                Instant modified = f.getEntryLastModifiedInstant();
                long length = f.getEntryLength();
                FileMode mode = f.getIndexFileMode(c);
                ObjectId id;
                if (mode == FileMode.GITLINK) {
                    // A nested repository: its HEAD, as git add records it.
                    id = f.getEntryObjectId();
                } else {
                    try (InputStream in = f.openEntryStream()) {
                        id = ins.insert(Constants.OBJ_BLOB, f.getEntryContentLength(), in);
                    }
                }
                changes.add(new ChangedTrees.Change(path, mode, id));
                editor.add(new DirCacheEditor.PathEdit(path) {
                    @Override
                    public void apply(DirCacheEntry e) {
                        e.setFileMode(mode);
                        e.setObjectId(id);
                        e.setLastModified(modified);
                        e.setLength(length);
                    }
                });
            }
        }
    }

    // ---- rollback -----------------------------------------------------------------------------

    /**
     * Puts the tree back at {@code base}. With the touched paths known, only those are restored
     * (from {@code base}, index included) and the files among them that {@code base} does not have
     * are removed; otherwise the whole tree is reset and cleaned first.
     *
     * @param touched the paths the run may have changed: the patch's and its diff's
     * @param wholeTree whether something else (a command) may have changed other files too
     */
    void rollback(ObjectId base, Collection<String> touched, boolean wholeTree) throws IOException, GitAPIException {
        if (wholeTree) {
            cleanTo(base);
        }
        RevTree baseTree = repo.parseCommit(base).getTree();
        List<String> inBase = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (String p : new TreeSet<>(touched)) {
            try (TreeWalk tracked = TreeWalk.forPath(repo, p, baseTree)) {
                if (tracked != null && !tracked.isSubtree()) {
                    inBase.add(p);
                } else if (tracked == null) {
                    created.add(p);
                }
            }
        }
        // Files the patch made go first, so a file of the base can come back where a folder was made.
        removeCreated(created);
        if (!inBase.isEmpty()) {
            var checkout = git.checkout().setStartPoint(base.name());
            inBase.forEach(checkout::addPath);
            checkout.call();
        }
    }

    /** Removes files (ignored ones too) that the base does not have, their index entries, and folders left empty. */
    private void removeCreated(List<String> created) throws IOException {
        if (created.isEmpty()) {
            return;
        }
        TreeGuard guard = new TreeGuard(tree);
        for (String p : created) {
            try {
                Path target = guard.forDelete(p);
                if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(target)) {
                    Files.delete(target);
                    pruneEmptyFolders(target.getParent());
                }
            } catch (TreeGuard.Escape e) {
                log.debug("not removing {}: {}", p, e.getMessage());
            }
        }
        DirCache index = repo.lockDirCache();
        try {
            DirCacheEditor editor = index.editor();
            boolean any = false;
            for (String p : created) {
                if (index.getEntry(p) != null) {
                    editor.add(new DirCacheEditor.DeletePath(p));
                    any = true;
                }
            }
            if (any) {
                editor.finish();
                index.write();
                index.commit();
            }
        } finally {
            index.unlock();
        }
    }

    private void pruneEmptyFolders(Path folder) throws IOException {
        Path root = tree.toAbsolutePath().normalize();
        for (Path f = folder; f != null && f.startsWith(root) && !f.equals(root); f = f.getParent()) {
            if (Files.isSymbolicLink(f) || !Files.isDirectory(f)) {
                return;
            }
            try (Stream<Path> s = Files.list(f)) {
                if (s.findAny().isPresent()) {
                    return;
                }
            }
            Files.delete(f);
        }
    }

    // ---- changed files ------------------------------------------------------------------------

    /** What the commit changed against its first parent, with lines added and removed per file. */
    List<Summary.ChangedFile> changedFiles(RevCommit c) throws IOException {
        var out = new ArrayList<Summary.ChangedFile>();
        try (RevWalk walk = new RevWalk(repo); DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            RevCommit commit = walk.parseCommit(c);
            df.setRepository(repo);
            df.setDiffComparator(RawTextComparator.DEFAULT);
            df.setDetectRenames(true);
            var parentTree = commit.getParentCount() == 0 ? null : walk.parseCommit(commit.getParent(0)).getTree();
            for (DiffEntry e : df.scan(parentTree, commit.getTree())) {
                int added = 0;
                int removed = 0;
                for (Edit edit : df.toFileHeader(e).toEditList()) {
                    added += edit.getLengthB();
                    removed += edit.getLengthA();
                }
                String path = e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
                out.add(new Summary.ChangedFile(path, e.getChangeType().name().toLowerCase(), added, removed));
            }
        }
        return out;
    }
}
