package io.patchbay.executor.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * A commit's tree written from its parent's tree and the changed paths alone: only the trees on the
 * way from the root to a changed file are read and written again, and every other subtree keeps its
 * id. Writing the tree from the whole index instead hashes every tree of the repository, which on a
 * tree of thousands of files costs more than the patch itself.
 */
final class ChangedTrees {

    /** One path's new state: a file of that mode and object, or gone when {@code id} is null. */
    record Change(String path, FileMode mode, ObjectId id) {

        static Change removed(String path) {
            return new Change(path, null, null);
        }

        boolean isRemoval() {
            return id == null;
        }
    }

    private ChangedTrees() {}

    /**
     * Writes the tree that is {@code base} with the changes made, and returns its id.
     *
     * @param base the parent's tree
     * @param changes at most one per path; a path is a file's, never a folder's
     */
    static ObjectId write(ObjectReader reader, ObjectInserter ins, ObjectId base, Collection<Change> changes)
            throws IOException {
        Folder root = new Folder();
        for (Change c : changes) {
            root.add(c);
        }
        ObjectId written = root.write(reader, ins, base);
        return written != null ? written : ins.insert(new TreeFormatter());
    }

    /** One folder's changes: the files named directly in it, and the folders below it that hold changes. */
    private static final class Folder {

        private final Map<String, Folder> folders = new TreeMap<>();
        private final Map<String, Change> files = new TreeMap<>();

        void add(Change c) {
            Folder f = this;
            String[] parts = c.path().split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                f = f.folders.computeIfAbsent(parts[i], k -> new Folder());
            }
            f.files.put(parts[parts.length - 1], c);
        }

        /** The folder's new tree, or null when nothing is left in it (git keeps no empty folders). */
        ObjectId write(ObjectReader reader, ObjectInserter ins, ObjectId tree) throws IOException {
            Map<String, Entry> entries = new HashMap<>();
            if (tree != null) {
                for (CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree); !p.eof(); p.next()) {
                    byte[] name = new byte[p.getNameLength()];
                    p.getName(name, 0);
                    entries.put(p.getEntryPathString(), new Entry(name, p.getEntryFileMode(), p.getEntryObjectId()));
                }
            }
            // Folders first: where a file became a folder or a folder a file, the path's file change decides.
            for (Map.Entry<String, Folder> e : folders.entrySet()) {
                Entry old = entries.get(e.getKey());
                ObjectId below = old != null && old.mode() == FileMode.TREE ? old.id() : null;
                ObjectId written = e.getValue().write(reader, ins, below);
                if (written != null) {
                    entries.put(e.getKey(), new Entry(Constants.encode(e.getKey()), FileMode.TREE, written));
                } else if (below != null) {
                    entries.remove(e.getKey());
                }
            }
            for (Map.Entry<String, Change> e : files.entrySet()) {
                Change c = e.getValue();
                if (!c.isRemoval()) {
                    entries.put(e.getKey(), new Entry(Constants.encode(e.getKey()), c.mode(), c.id()));
                } else {
                    Entry old = entries.get(e.getKey());
                    // A removed file whose name is now a folder's (written above) leaves that folder alone.
                    if (old != null && old.mode() != FileMode.TREE) {
                        entries.remove(e.getKey());
                    }
                }
            }
            if (entries.isEmpty()) {
                return null;
            }
            List<Entry> sorted = new ArrayList<>(entries.values());
            sorted.sort(ChangedTrees::gitOrder);
            TreeFormatter fmt = new TreeFormatter();
            for (Entry e : sorted) {
                fmt.append(e.name(), e.mode(), e.id());
            }
            return ins.insert(fmt);
        }
    }

    private record Entry(byte[] name, FileMode mode, ObjectId id) {}

    /** git's order of a tree's entries: by name's bytes, a folder's name read as if it ended in '/'. */
    private static int gitOrder(Entry a, Entry b) {
        byte[] x = a.name();
        byte[] y = b.name();
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int d = (x[i] & 0xff) - (y[i] & 0xff);
            if (d != 0) {
                return d;
            }
        }
        int cx = x.length > n ? x[n] & 0xff : a.mode() == FileMode.TREE ? '/' : 0;
        int cy = y.length > n ? y[n] & 0xff : b.mode() == FileMode.TREE ? '/' : 0;
        return cx - cy;
    }
}
