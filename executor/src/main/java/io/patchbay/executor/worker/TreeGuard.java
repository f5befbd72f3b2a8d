package io.patchbay.executor.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides where a path of a patch really lands in a working tree, following symlinks as the file
 * system would, and refuses any path that would land outside the tree or inside its {@code .git}.
 * The contract already refuses {@code ..} and absolute paths by name; this check catches what
 * only the disk knows, such as a directory that is a symlink to somewhere else.
 */
public final class TreeGuard {

    private static final int MAX_LINKS = 40;

    /** A path that must not be touched, with a sentence saying why. */
    public static final class Escape extends Exception {
        private static final long serialVersionUID = 1L;

        Escape(String message) {
            super(message);
        }
    }

    private final Path root;

    public TreeGuard(Path worktree) throws IOException {
        this.root = worktree.toRealPath();
    }

    /** The real path of the working tree. */
    public Path root() {
        return root;
    }

    /** The place a write to {@code relative} would change; a symlink at the end is followed. */
    public Path forWrite(String relative) throws Escape, IOException {
        return checked(relative, realLocation(lexical(relative), 0));
    }

    /** The place a delete of {@code relative} would remove; a symlink at the end is removed itself. */
    public Path forDelete(String relative) throws Escape, IOException {
        Path p = lexical(relative);
        return checked(relative, realLocation(p.getParent(), 0).resolve(p.getFileName()));
    }

    private Path lexical(String relative) throws Escape {
        if (relative == null || relative.isBlank() || relative.indexOf('\0') >= 0) {
            throw new Escape("the path '" + relative + "' is empty or invalid");
        }
        Path rel = Path.of(relative);
        if (rel.isAbsolute()) {
            throw new Escape("the path '" + relative + "' is absolute");
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new Escape("the path '" + relative + "' leads outside the working tree");
        }
        return p;
    }

    private Path checked(String relative, Path real) throws Escape {
        if (!real.startsWith(root) || real.equals(root)) {
            throw new Escape("the path '" + relative + "' really is " + real + ", outside the working tree");
        }
        for (Path segment : root.relativize(real)) {
            if (segment.toString().equalsIgnoreCase(".git")) {
                throw new Escape("the path '" + relative + "' really is " + real + ", inside .git");
            }
        }
        return real;
    }

    /**
     * The real location of a path that may not exist yet: the deepest part that exists is
     * resolved through its symlinks (a dangling one by hand), the rest is appended.
     */
    private static Path realLocation(Path p, int depth) throws IOException, Escape {
        if (depth > MAX_LINKS) {
            throw new Escape("too many levels of symlinks at " + p);
        }
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IOException("no part of " + p + " exists");
        }
        Path real;
        if (Files.isSymbolicLink(existing) && !Files.exists(existing)) {
            Path target = existing.getParent().resolve(Files.readSymbolicLink(existing)).normalize();
            real = realLocation(target, depth + 1);
        } else {
            real = existing.toRealPath();
        }
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real.normalize();
    }
}
