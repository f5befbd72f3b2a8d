package io.patchbay.executor.worker;

import io.patchbay.contracts.diff.DiffReader;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.executor.worker.apply.ApplyException;
import io.patchbay.executor.worker.apply.DiffApplier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a patch would apply to a working tree as it is now, without touching it: the diff is
 * worked out in memory, and every file write is checked for where it lands and, for inserts and
 * deletes, for what it needs to find. Used by dry runs; the worker applies for real.
 */
public final class TreeCheck {

    private TreeCheck() {}

    /** Every reason the patch would not apply; empty when it applies cleanly. */
    public static List<String> problems(Path tree, Patch patch) throws IOException {
        return problems(tree, patch, DiffReader.DEFAULT_MAX_BINARY_BYTES);
    }

    /** The same, with binary files bounded by {@code maxBinaryBytes} as the worker bounds them. */
    public static List<String> problems(Path tree, Patch patch, long maxBinaryBytes) throws IOException {
        var out = new ArrayList<String>();
        TreeGuard guard = new TreeGuard(tree);
        List<String> fromDiff = List.of();
        if (patch.diff() != null) {
            try {
                fromDiff = new DiffApplier(guard, maxBinaryBytes).check(patch.diff().bytes()).touchedPaths();
            } catch (ApplyException e) {
                out.add(e.getMessage());
            } catch (TreeGuard.Escape e) {
                out.add(e.getMessage());
            }
        }
        for (FileChange f : patch.files()) {
            try {
                Path target = f.isDelete() ? guard.forDelete(f.path()) : guard.forWrite(f.path());
                boolean exists = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS) || fromDiff.contains(f.path());
                if (f.isDelete() && !exists) {
                    out.add("cannot delete " + f.path() + ": there is no such file");
                } else if (f.isInsert() && !fromDiff.contains(f.path())) {
                    checkInsert(f, target, out);
                } else if (!f.isDelete() && Files.isDirectory(target)) {
                    out.add("cannot write " + f.path() + ": it is a folder");
                }
            } catch (TreeGuard.Escape e) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    private static void checkInsert(FileChange f, Path target, List<String> out) throws IOException {
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            out.add("cannot insert into " + f.path() + ": there is no such file");
            return;
        }
        String anchor = f.insertAfter() != null ? f.insertAfter() : f.insertBefore();
        String current = new String(Files.readAllBytes(target), StandardCharsets.UTF_8);
        if (!current.contains(anchor)) {
            out.add("cannot insert into " + f.path() + ": the text to insert at is not in the file");
        }
    }
}
