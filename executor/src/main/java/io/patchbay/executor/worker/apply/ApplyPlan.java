package io.patchbay.executor.worker.apply;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a diff does to a working tree, worked out in full before anything is written: the files it
 * removes and the files it writes, with their content and executable bit. {@link #write()} carries
 * it out all or nothing: when a write fails part way, what was done is undone.
 */
public final class ApplyPlan {

    private static final Logger log = LoggerFactory.getLogger(ApplyPlan.class);

    /** A file the diff leaves behind. */
    record Output(String path, Path location, byte[] content, boolean executable) {}

    private final Path root;
    private final List<Path> removals;
    private final List<Output> outputs;
    private final List<String> touched;

    ApplyPlan(Path root, List<Path> removals, List<Output> outputs, List<String> touched) {
        this.root = root;
        this.removals = List.copyOf(removals);
        this.outputs = List.copyOf(outputs);
        this.touched = List.copyOf(touched);
    }

    /** Every path the diff reads or writes, as the diff names them after stripping their prefixes. */
    public List<String> touchedPaths() {
        return touched;
    }

    /** How many files the diff removes. */
    public int removedCount() {
        return removals.size();
    }

    /** How many files the diff writes (new, changed, renamed or copied). */
    public int writtenCount() {
        return outputs.size();
    }

    /** Carries out the plan; on an I/O error the tree is put back as it was and the error rethrown. */
    void write() throws IOException {
        Deque<Undo> journal = new ArrayDeque<>();
        try {
            for (Path p : removals) {
                journal.push(snapshot(p));
                Files.delete(p);
                pruneEmptyFolders(p.getParent(), journal);
            }
            for (Output o : outputs) {
                makeFolders(o.location().getParent(), journal);
                journal.push(Files.exists(o.location(), LinkOption.NOFOLLOW_LINKS) ? snapshot(o.location())
                        : new Remove(o.location()));
                writeFile(o);
            }
        } catch (IOException | RuntimeException e) {
            undo(journal, e);
            throw e;
        }
    }

    // ---- undo -------------------------------------------------------------------------------

    private sealed interface Undo permits Restore, Remove, RemoveFolder, MakeFolder {
        void undo() throws IOException;
    }

    private record Restore(Path path, byte[] content, Set<PosixFilePermission> permissions, Path link)
            implements Undo {
        @Override
        public void undo() throws IOException {
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(path);
            if (link != null) {
                Files.createSymbolicLink(path, link);
                return;
            }
            Files.write(path, content);
            if (permissions != null) {
                Files.setPosixFilePermissions(path, permissions);
            }
        }
    }

    private record Remove(Path path) implements Undo {
        @Override
        public void undo() throws IOException {
            Files.deleteIfExists(path);
        }
    }

    private record RemoveFolder(Path folder) implements Undo {
        @Override
        public void undo() throws IOException {
            if (isEmptyFolder(folder)) {
                Files.delete(folder);
            }
        }
    }

    private record MakeFolder(Path folder) implements Undo {
        @Override
        public void undo() throws IOException {
            Files.createDirectories(folder);
        }
    }

    private static Undo snapshot(Path p) throws IOException {
        if (Files.isSymbolicLink(p)) {
            return new Restore(p, null, null, Files.readSymbolicLink(p));
        }
        return new Restore(p, Files.readAllBytes(p), permissions(p), null);
    }

    private static void undo(Deque<Undo> journal, Exception cause) {
        while (!journal.isEmpty()) {
            Undo u = journal.pop();
            try {
                u.undo();
            } catch (IOException | RuntimeException e) {
                // The worker's reset to the base commit is the last line of defence.
                cause.addSuppressed(e);
                log.error("cannot undo a partial write ({}): {}", u, e.getMessage());
            }
        }
    }

    // ---- files ------------------------------------------------------------------------------

    private void pruneEmptyFolders(Path folder, Deque<Undo> journal) throws IOException {
        // As git does: a folder emptied by a delete or rename goes too.
        while (folder != null && !folder.equals(root) && folder.startsWith(root) && isEmptyFolder(folder)) {
            Files.delete(folder);
            journal.push(new MakeFolder(folder));
            folder = folder.getParent();
        }
    }

    private static void makeFolders(Path folder, Deque<Undo> journal) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        for (Path f = folder; f != null && !Files.exists(f, LinkOption.NOFOLLOW_LINKS); f = f.getParent()) {
            missing.push(f);
        }
        while (!missing.isEmpty()) {
            Path f = missing.pop();
            Files.createDirectory(f);
            journal.push(new RemoveFolder(f));
        }
    }

    private static void writeFile(Output o) throws IOException {
        Path target = o.location();
        Path tmp = target.resolveSibling(".patchbay-" + UUID.randomUUID().toString().substring(0, 8) + ".tmp");
        try {
            // A new file, as git makes one: permissions from the umask, then the executable bit.
            Files.write(tmp, o.content(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            setExecutable(tmp, o.executable());
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void setExecutable(Path p, boolean executable) throws IOException {
        Set<PosixFilePermission> perms = permissions(p);
        if (perms == null) {
            if (!p.toFile().setExecutable(executable) && executable) {
                log.debug("cannot mark {} executable on this file system", p);
            }
            return;
        }
        Set<PosixFilePermission> next = EnumSet.noneOf(PosixFilePermission.class);
        next.addAll(perms);
        next.removeAll(List.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE));
        if (executable) {
            // x wherever r is, as 0777 under the umask would give.
            if (perms.contains(PosixFilePermission.OWNER_READ)) {
                next.add(PosixFilePermission.OWNER_EXECUTE);
            }
            if (perms.contains(PosixFilePermission.GROUP_READ)) {
                next.add(PosixFilePermission.GROUP_EXECUTE);
            }
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                next.add(PosixFilePermission.OTHERS_EXECUTE);
            }
        }
        if (!next.equals(perms)) {
            Files.setPosixFilePermissions(p, next);
        }
    }

    /** The POSIX permissions of a file (not following a link), or null where the file system has none. */
    static Set<PosixFilePermission> permissions(Path p) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        return view == null ? null : view.readAttributes().permissions();
    }

    private static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.findAny().isEmpty();
        }
    }
}
