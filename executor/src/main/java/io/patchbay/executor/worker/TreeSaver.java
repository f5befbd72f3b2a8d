package io.patchbay.executor.worker;

import java.io.IOException;
import java.io.InputStream;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.dircache.DirCacheIterator;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.FileTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.WorkingTreeIterator;

/**
 * Keeps a working tree as it is, before a reset discards it: one commit whose tree is every file
 * in the working tree (tracked files as they are on disk, and new files git does not ignore),
 * whose parent is HEAD (so commits made by hand stay reachable too), on a ref under
 * {@value #PREFIX} that no branch, fetch or gc will drop. Neither HEAD, the index nor any file is
 * changed. {@code git diff <recorded> <ref>} shows the edit; {@code git checkout <ref> -- .} brings
 * it back.
 */
final class TreeSaver {

    /** Where saved trees live: {@code refs/patchbay/drift/<domain>/<check>}. */
    static final String PREFIX = "refs/patchbay/drift/";

    private TreeSaver() {}

    /** The ref a save for that domain and task number is (first) written to. */
    static String refName(String domain, int check) {
        return PREFIX + domain + "/" + check;
    }

    /** The ref an earlier save for that task left, or null: a redelivered reset reports it again. */
    static String existing(Repository repo, String domain, int check) throws IOException {
        Ref ref = repo.exactRef(refName(domain, check));
        return ref == null ? null : ref.getName();
    }

    /**
     * Saves the tree and returns the ref's full name. The ref is new: a name already taken gets a
     * numbered suffix rather than being overwritten.
     */
    static String save(Repository repo, String domain, int check, PersonIdent who, String message) throws IOException {
        ObjectId head = repo.resolve(Constants.HEAD);
        ObjectId commit;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId tree = writeWorkingTree(repo, ins);
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(tree);
            if (head != null) {
                c.setParentId(head);
            }
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage(message);
            commit = ins.insert(c);
            ins.flush();
        }
        String base = refName(domain, check);
        for (int n = 1; n < 1000; n++) {
            String name = n == 1 ? base : base + "-" + n;
            RefUpdate u = repo.updateRef(name);
            u.setNewObjectId(commit);
            u.setExpectedOldObjectId(ObjectId.zeroId());
            u.setRefLogMessage("patchbay: saved before a reset", false);
            RefUpdate.Result r = u.update();
            if (r == RefUpdate.Result.NEW) {
                return name;
            }
            if (r != RefUpdate.Result.LOCK_FAILURE && r != RefUpdate.Result.REJECTED) {
                throw new IOException("cannot write the ref " + name + ": " + r);
            }
        }
        throw new IOException("cannot find a free ref name under " + base);
    }

    /** The working tree as a git tree: tracked files as on disk (deleted ones left out), new files unless ignored. */
    private static ObjectId writeWorkingTree(Repository repo, ObjectInserter ins) throws IOException {
        DirCache index = repo.readDirCache();
        DirCache out = DirCache.newInCore();
        DirCacheBuilder builder = out.builder();
        try (TreeWalk walk = new TreeWalk(repo)) {
            int disk = walk.addTree(new FileTreeIterator(repo));
            int indexed = walk.addTree(new DirCacheIterator(index));
            walk.setRecursive(false);
            while (walk.next()) {
                WorkingTreeIterator file = walk.getTree(disk, WorkingTreeIterator.class);
                DirCacheIterator tracked = walk.getTree(indexed, DirCacheIterator.class);
                if (file == null || (tracked == null && file.isEntryIgnored())) {
                    continue;
                }
                if (walk.isSubtree()) {
                    walk.enterSubtree();
                    continue;
                }
                FileMode mode = file.getEntryFileMode();
                DirCacheEntry e = new DirCacheEntry(walk.getPathString());
                if (mode == FileMode.GITLINK) {
                    // A nested repository: its own history is not ours to copy; keep what the index points at.
                    if (tracked == null) {
                        continue;
                    }
                    e.setFileMode(FileMode.GITLINK);
                    e.setObjectId(tracked.getEntryObjectId());
                } else {
                    e.setFileMode(mode);
                    try (InputStream in = file.openEntryStream()) {
                        e.setObjectId(ins.insert(Constants.OBJ_BLOB, file.getEntryContentLength(), in));
                    }
                }
                builder.add(e);
            }
        }
        builder.finish();
        return out.writeTree(ins);
    }
}
