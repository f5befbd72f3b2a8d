package io.patchbay.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Names and moves in the spool's folders: a file never replaces another (a second {@code fix.diff}
 * becomes {@code fix-1.diff}), and side files (receipt, reason) appear whole or not at all.
 */
final class SpoolNames {

    private SpoolNames() {}

    /** {@code name} and the {@code stem-N.ext} names {@link #uniqueName} gave it while they were taken in {@code dir}. */
    static List<String> nameAndSuffixes(Path dir, String name) {
        var names = new ArrayList<String>();
        for (String candidate = name; taken(dir, candidate); candidate = suffixed(name, names.size())) {
            names.add(candidate);
        }
        return names;
    }

    static Path moveUnique(Path file, Path dir) throws IOException {
        Path target = dir.resolve(uniqueName(dir, file.getFileName().toString()));
        // ATOMIC_MOVE replaces an existing target on POSIX, hence the unique name.
        return Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code name}, or {@code stem-N.ext} when that name or one of its side files is taken in {@code dir}. */
    static String uniqueName(Path dir, String name) {
        String candidate = name;
        for (int n = 1; taken(dir, candidate); n++) {
            candidate = suffixed(name, n);
        }
        return candidate;
    }

    static String suffixed(String name, int n) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) + "-" + n + name.substring(dot) : name + "-" + n;
    }

    static boolean taken(Path dir, String name) {
        return Files.exists(dir.resolve(name), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(name + SpoolWatcher.RECEIPT_SUFFIX), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(name + SpoolWatcher.REASON_SUFFIX), LinkOption.NOFOLLOW_LINKS);
    }

    static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
}
