package io.patchbay.executor.worker.apply;

import io.patchbay.executor.worker.TreeGuard;
import io.patchbay.contracts.diff.DiffException;
import io.patchbay.contracts.diff.DiffReader;
import io.patchbay.contracts.diff.FilePatch;
import io.patchbay.contracts.diff.FilePatch.Known;
import io.patchbay.contracts.diff.Hunk;
import io.patchbay.contracts.diff.ParsedDiff;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a unified diff to a working tree exactly as {@code git apply} (without {@code --index})
 * would, and atomically: every file changes or none does.
 *
 * <p>Read: {@code git diff} (also {@code --binary}), {@code git format-patch} mail, traditional
 * {@code diff -u} and quilt patches with or without {@code a/} {@code b/} prefixes and with
 * timestamps. Applied: edits with git's exact matching and offset search, new and deleted files,
 * renames and copies, mode changes, missing final newlines, CRLF content, binary literal and delta
 * patches, several files (and several patches to one file) in one diff.
 *
 * <p>Where git's rules are not enough: a diff whose names lack {@code a/} and {@code b/} prefixes
 * gets its strip level from its own names ({@link DiffReader}), the same level the verdict judged; a {@code Binary files differ} line without data is refused rather than
 * skipped; symlinks and submodules are never created or changed; and every path passes the
 * {@link TreeGuard}.
 */
public final class DiffApplier {

    private static final Logger log = LoggerFactory.getLogger(DiffApplier.class);
    private static final int SHOWN_LINES = 20;

    private final TreeGuard guard;
    private final Path root;
    private final long maxBinaryBytes;

    public DiffApplier(TreeGuard guard) {
        this(guard, DiffReader.DEFAULT_MAX_BINARY_BYTES);
    }

    /**
     * @param maxBinaryBytes the largest binary file the diff may announce: the domain's bound, the
     *                       one its verdict judged with ({@code BinaryLimit.of})
     */
    public DiffApplier(TreeGuard guard, long maxBinaryBytes) {
        this.guard = guard;
        this.root = guard.root();
        this.maxBinaryBytes = maxBinaryBytes;
    }

    /** Works out everything the diff does and whether it applies, touching nothing. */
    public ApplyPlan check(byte[] diff) throws ApplyException, TreeGuard.Escape, IOException {
        return check(read(diff, maxBinaryBytes));
    }

    /** Works out everything a diff read by {@link DiffReader} does and whether it applies, touching nothing. */
    public ApplyPlan check(ParsedDiff diff) throws ApplyException, TreeGuard.Escape, IOException {
        return new Planner(diff.files()).plan();
    }

    /** Applies the diff: all of it, or (with an exception) nothing. */
    public ApplyPlan apply(byte[] diff) throws ApplyException, TreeGuard.Escape, IOException {
        return apply(diff, paths -> { });
    }

    /**
     * Applies the diff after {@code admission} has seen every path it touches: all of it, or (when
     * admission or the apply throws) nothing.
     */
    public ApplyPlan apply(byte[] diff, Admission admission) throws ApplyException, TreeGuard.Escape, IOException {
        ApplyPlan plan = check(diff);
        admission.admit(plan.touchedPaths());
        plan.write();
        return plan;
    }

    /** The last word on the paths of a diff before anything is written. */
    @FunctionalInterface
    public interface Admission {
        /** Throws when one of {@code paths} must not be written. */
        void admit(List<String> paths) throws ApplyException;
    }

    /** Reads a diff with the reader the verdict uses; a diff that cannot be read does not apply either. */
    public static ParsedDiff read(byte[] diff) throws ApplyException {
        return read(diff, DiffReader.DEFAULT_MAX_BINARY_BYTES);
    }

    /** The same, with binary files bounded by {@code maxBinaryBytes}. */
    public static ParsedDiff read(byte[] diff, long maxBinaryBytes) throws ApplyException {
        try {
            return DiffReader.read(diff, maxBinaryBytes);
        } catch (DiffException e) {
            throw new ApplyException(e.getMessage());
        }
    }

    // ---- planning ---------------------------------------------------------------------------

    /** A file's content and mode after an earlier part of the diff wrote it. */
    private record Result(byte[] content, int mode) {}

    /** Markers in the table of names, as git keeps them. */
    private enum Gone { TO_BE_DELETED, WAS_DELETED }

    /** The state of a path on disk, not following a final symlink; mode 0 when it does not exist. */
    private record Stat(int mode, boolean folder) {
        boolean exists() {
            return mode != 0 || folder;
        }
    }

    private final class Planner {
        private final List<FilePatch> patches;
        private final Map<String, Object> table = new HashMap<>();
        private final Set<String> removals = new LinkedHashSet<>();
        private final Map<String, ApplyPlan.Output> outputs = new LinkedHashMap<>();
        private final Set<String> touched = new LinkedHashSet<>();
        private final Set<String> foldersToReplace = new LinkedHashSet<>();

        Planner(List<FilePatch> patches) {
            this.patches = patches;
        }

        ApplyPlan plan() throws ApplyException, TreeGuard.Escape, IOException {
            for (FilePatch p : patches) {
                if (p.newName() == null || p.rename()) {
                    table.put(p.oldName(), Gone.TO_BE_DELETED);
                }
            }
            for (FilePatch p : patches) {
                plan(p);
            }
            checkFoldersFree();
            var removed = new ArrayList<Path>();
            for (String name : removals) {
                removed.add(location(name));
            }
            return new ApplyPlan(root, removed, List.copyOf(outputs.values()), List.copyOf(touched));
        }

        private void plan(FilePatch p) throws ApplyException, TreeGuard.Escape, IOException {
            String oldName = p.oldName();
            String newName = p.newName();
            Known created = p.created();
            boolean deleted = p.deleted() == Known.YES;
            int oldMode = p.oldMode();
            int newMode = p.newMode();
            if (oldName != null) {
                location(oldName);
                touched.add(oldName);
            }
            if (newName != null) {
                guard.forWrite(newName);
                location(newName);
                touched.add(newName);
            }

            // What the patch reads: an earlier result, the disk, or nothing for a new file.
            Object previous = null;
            byte[] old = new byte[0];
            if (oldName != null) {
                previous = p.copy() || p.rename() ? null : table.get(oldName);
                if (previous == Gone.TO_BE_DELETED) {
                    previous = null;
                }
                if (previous == Gone.WAS_DELETED) {
                    throw new ApplyException("the diff changes " + oldName + " after deleting or renaming it");
                }
                int mode;
                if (previous instanceof Result r) {
                    mode = r.mode();
                    old = r.content();
                } else {
                    Stat st = stat(oldName);
                    if (!st.exists() && created == Known.UNKNOWN) {
                        created = Known.YES;
                        oldName = null;
                        mode = 0;
                    } else if (!st.exists()) {
                        throw new ApplyException((deleted ? "cannot delete " : "cannot patch ") + oldName
                                + ": there is no such file in the working tree");
                    } else if (st.folder()) {
                        throw new ApplyException("cannot patch " + oldName + ": it is a folder in the working tree");
                    } else {
                        mode = st.mode();
                        old = read(oldName, mode);
                    }
                }
                if (oldName != null) {
                    if (created == Known.UNKNOWN) {
                        created = Known.NO;
                    }
                    if (oldMode == 0) {
                        oldMode = mode;
                    }
                    if (((mode ^ oldMode) & FilePatch.TYPE_MASK) != 0) {
                        throw new ApplyException(oldName + " is " + kind(mode) + " in the working tree but the diff"
                                + " treats it as " + kind(oldMode));
                    }
                    if (mode != oldMode) {
                        log.warn("{} has mode {} in the working tree, the diff expected {}", oldName,
                                Integer.toOctalString(mode), Integer.toOctalString(oldMode));
                    }
                    if (newMode == 0 && !deleted) {
                        newMode = mode;
                    }
                }
            }

            // What the patch creates must not be there already, unless the diff removes it.
            Object there = newName == null ? null : table.get(newName);
            boolean mayExist = there == Gone.WAS_DELETED || there == Gone.TO_BE_DELETED;
            if (newName != null && (created == Known.YES || p.rename() || p.copy())) {
                Stat st = stat(newName);
                if (st.folder()) {
                    // Fine if the diff removes everything in it: the emptied folder goes before the file comes.
                    foldersToReplace.add(newName);
                } else if (st.exists() && !mayExist) {
                    throw new ApplyException("cannot create " + newName + ": it already exists in the working tree");
                }
                if (newMode == 0) {
                    newMode = created == Known.YES ? FilePatch.REGULAR : oldMode;
                }
            }
            if (newName != null && oldName != null) {
                if (newMode == 0) {
                    newMode = oldMode;
                }
                if (((oldMode ^ newMode) & FilePatch.TYPE_MASK) != 0) {
                    throw new ApplyException("the diff turns " + oldName + " from " + kind(oldMode) + " into "
                            + kind(newMode) + ", which patches may not do");
                }
            }
            refuseSpecialFiles(p, oldName, oldMode, deleted ? null : newName, newMode);

            byte[] result = p.binary() ? BinaryPatches.apply(p, oldName != null ? oldName : newName, old,
                    oldName != null) : applyHunks(p, oldName != null ? oldName : newName, old);

            if (newName != null) {
                table.put(newName, new Result(result, newMode));
            }
            if (newName == null || p.rename()) {
                table.put(oldName, Gone.WAS_DELETED);
            }
            if (deleted && result.length > 0) {
                throw new ApplyException("the diff deletes " + oldName + ", but the file holds more than the diff"
                        + " removes");
            }

            // As git writes out: removals first, then every file written in order. Unlike git, a file
            // an earlier part of the diff wrote stays deleted when a later part deletes it.
            if (deleted || p.rename()) {
                outputs.remove(oldName);
                if (stat(oldName).exists()) {
                    removals.add(oldName);
                }
            }
            if (deleted) {
                return;
            }
            outputs.remove(newName);
            outputs.put(newName, new ApplyPlan.Output(newName, location(newName), result,
                    (newMode & 0100) != 0));
        }

        private byte[] applyHunks(FilePatch p, String name, byte[] old) throws ApplyException {
            if (p.hunks().isEmpty()) {
                return old;
            }
            TextImage image = new TextImage(old);
            for (Hunk h : p.hunks()) {
                if (image.apply(h) < 0) {
                    throw new ApplyException("hunk #" + h.number() + " of " + name + " (at line " + h.oldStart()
                            + ") does not match the file", expected(h));
                }
            }
            return image.bytes();
        }

        private void refuseSpecialFiles(FilePatch p, String oldName, int oldMode, String newName, int newMode)
                throws ApplyException {
            if ((oldMode & FilePatch.TYPE_MASK) == FilePatch.GITLINK
                    || (newMode & FilePatch.TYPE_MASK) == FilePatch.GITLINK) {
                throw new ApplyException("the diff changes the submodule " + p.name()
                        + "; patches may not change submodules");
            }
            if (newName != null && (newMode & FilePatch.TYPE_MASK) == FilePatch.SYMLINK) {
                throw new ApplyException("the diff makes " + newName + " a symlink; patches may not create symlinks");
            }
            if (newName != null && (newMode & FilePatch.TYPE_MASK) != 0100000) {
                throw new ApplyException("the diff gives " + newName + " the unknown mode "
                        + Integer.toOctalString(newMode));
            }
            if (oldName != null && oldMode != 0 && (oldMode & FilePatch.TYPE_MASK) != 0100000
                    && (oldMode & FilePatch.TYPE_MASK) != FilePatch.SYMLINK) {
                throw new ApplyException("the diff reads " + oldName + " with the unknown mode "
                        + Integer.toOctalString(oldMode));
            }
        }

        /**
         * Every folder a written file needs must be a folder, or be free once the removals are done;
         * a folder replaced by a file must lose all its files.
         */
        private void checkFoldersFree() throws ApplyException, IOException {
            for (String folder : foldersToReplace) {
                try (Stream<Path> inside = Files.walk(root.resolve(folder).normalize())) {
                    for (Path p : inside.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                        if (!removals.contains(root.relativize(p).toString().replace('\\', '/'))) {
                            throw new ApplyException("cannot create " + folder
                                    + ": a folder of that name is in the way");
                        }
                    }
                }
            }
            for (String name : outputs.keySet()) {
                int slash = name.indexOf('/');
                while (slash > 0) {
                    String folder = name.substring(0, slash);
                    if (outputs.containsKey(folder)) {
                        throw new ApplyException("the diff writes both " + folder + " and " + name);
                    }
                    Stat st = stat(folder);
                    if (st.exists() && !st.folder() && !removals.contains(folder)) {
                        throw new ApplyException("cannot write " + name + ": " + folder
                                + " is a file in the working tree");
                    }
                    slash = name.indexOf('/', slash + 1);
                }
            }
        }
    }

    // ---- the disk ---------------------------------------------------------------------------

    /**
     * Where a name lives, refusing names that leave the tree, enter {@code .git} or pass through a
     * symlink (as git refuses paths beyond a symbolic link).
     */
    private Path location(String name) throws TreeGuard.Escape, IOException, ApplyException {
        Path at = guard.forDelete(name);
        if (!at.equals(root.resolve(name).normalize())) {
            throw new ApplyException("the diff touches " + name + ", which lies beyond a symbolic link");
        }
        return at;
    }

    private Stat stat(String name) throws IOException {
        Path at = root.resolve(name).normalize();
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(at, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new Stat(0, false);
        } catch (FileSystemException e) {
            // A file where a folder of the path should be: the path does not exist.
            if (!Files.isDirectory(at.getParent(), LinkOption.NOFOLLOW_LINKS)) {
                return new Stat(0, false);
            }
            throw e;
        }
        if (a.isDirectory()) {
            return new Stat(0, true);
        }
        if (a.isSymbolicLink()) {
            return new Stat(FilePatch.SYMLINK, false);
        }
        Set<PosixFilePermission> perms = ApplyPlan.permissions(at);
        boolean executable = perms == null ? Files.isExecutable(at)
                : perms.contains(PosixFilePermission.OWNER_EXECUTE);
        return new Stat(executable ? FilePatch.EXECUTABLE : FilePatch.REGULAR, false);
    }

    private byte[] read(String name, int mode) throws IOException {
        Path at = root.resolve(name).normalize();
        if ((mode & FilePatch.TYPE_MASK) == FilePatch.SYMLINK) {
            return Files.readSymbolicLink(at).toString().getBytes(StandardCharsets.UTF_8);
        }
        return Files.readAllBytes(at);
    }

    private static String kind(int mode) {
        return switch (mode & FilePatch.TYPE_MASK) {
            case FilePatch.SYMLINK -> "a symlink";
            case FilePatch.GITLINK -> "a submodule";
            case 0100000 -> "a file";
            default -> "mode " + Integer.toOctalString(mode);
        };
    }

    private static String expected(Hunk h) {
        var sb = new StringBuilder("the hunk at line " + h.line() + " of the diff looks for:\n");
        int n = 0;
        for (byte[] line : h.before()) {
            if (n++ == SHOWN_LINES) {
                sb.append("  … ").append(h.before().size() - SHOWN_LINES).append(" more line(s)\n");
                break;
            }
            String text = new String(line, StandardCharsets.UTF_8);
            sb.append("  ").append(text.endsWith("\n") ? text : text + "\n");
        }
        return sb.toString();
    }
}
