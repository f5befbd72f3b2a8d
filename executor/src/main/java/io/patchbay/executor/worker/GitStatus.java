package io.patchbay.executor.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A working tree's uncommitted changes as {@code git status} reports them, by running it:
 * {@code git status --porcelain=v1 -z --untracked-files=all --no-renames}. git answers "is the tree
 * clean" from the index's stat data (a file whose size and times match its entry is not read) and
 * skips subtrees the index's cache tree vouches for, so the check costs what it costs a person at a
 * shell and does not grow with history. JGit's status walks the whole tree through Java file
 * attributes and every tree of HEAD; measured on git's own tree of 4,800 files here it took as
 * long as the git process or longer, and used the worker's CPU for all of it.
 *
 * <p>Only looks: optional locks are off ({@code --no-optional-locks}), so git does not refresh the
 * index behind the worker's back, and {@code core.fsmonitor} is off, so no program named by the
 * tree's configuration runs.
 */
final class GitStatus {

    /** How long one status may take before the check gives up (a tree of hundreds of thousands of files). */
    static final long TIMEOUT_SECONDS = 600;

    /** The refusal's code when there is no git to run. */
    static final String GIT_MISSING = "git-missing";

    /** The kinds, weakest first: where git reports two for one path, the later one names it. */
    private static final List<String> KINDS = List.of("untracked", "added", "modified", "deleted", "conflicting");

    private GitStatus() {}

    /**
     * Each uncommitted path with its kind ({@code untracked}, {@code added}, {@code modified},
     * {@code deleted} or {@code conflicting}); empty when the tree is clean. Files git ignores are
     * not listed.
     *
     * @param gitDir the repository, {@code .git} of the tree or wherever its {@code .git} file points
     * @throws IOException when git cannot be run ({@value #GIT_MISSING} when there is none) or fails
     */
    static SortedMap<String, String> changes(Path tree, Path gitDir) throws IOException {
        return changes("git", tree, gitDir);
    }

    /** The same, with the git program named ({@code git}, found on the PATH, unless a test says otherwise). */
    static SortedMap<String, String> changes(String gitProgram, Path tree, Path gitDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(gitProgram, "--git-dir=" + gitDir, "--work-tree=" + tree,
                "--no-optional-locks", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false",
                "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
                .directory(tree.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // The tree's own repository only, whatever the worker's environment says.
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        Path err = Files.createTempFile("patchbay-status", ".err");
        try {
            pb.redirectError(err.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new IOException(GIT_MISSING + ": the worker checks its working trees with `git status` and"
                        + " cannot run git (" + e.getMessage() + "); install git 2.x on the worker's PATH", e);
            }
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            boolean ended = p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
                throw new IOException("`git status` in " + tree + " took longer than " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException("`git status` in " + tree + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(err).strip());
            }
            return parse(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while `git status` ran in " + tree, e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Reads {@code XY path} records, each ended by NUL (no second path: renames are not looked for). */
    static SortedMap<String, String> parse(byte[] out) {
        SortedMap<String, String> byPath = new TreeMap<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != 0) {
                continue;
            }
            if (i - start > 3) {
                char x = (char) out[start];
                char y = (char) out[start + 1];
                String path = new String(out, start + 3, i - start - 3, StandardCharsets.UTF_8);
                String kind = kind(x, y);
                if (kind != null) {
                    byPath.merge(path, kind, (a, b) -> KINDS.indexOf(a) >= KINDS.indexOf(b) ? a : b);
                }
            }
            start = i + 1;
        }
        return byPath;
    }

    /** The kind of an {@code XY} pair (X: index against HEAD, Y: files against index), as JGit's status names them. */
    static String kind(char x, char y) {
        if (x == '?' && y == '?') {
            return "untracked";
        }
        if (x == '!') {
            return null;
        }
        if (x == 'U' || y == 'U' || (x == 'A' && y == 'A') || (x == 'D' && y == 'D')) {
            return "conflicting";
        }
        if (x == 'D' || y == 'D') {
            return "deleted";
        }
        if (x == 'M' || x == 'T' || y == 'M' || y == 'T' || x == 'R' || x == 'C') {
            return "modified";
        }
        if (x == 'A') {
            return "added";
        }
        return "modified";
    }

    /** For a person reading a drift: path → kind, as {@code kind path}. */
    static List<String> named(Map<String, String> byPath) {
        return byPath.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList();
    }
}
