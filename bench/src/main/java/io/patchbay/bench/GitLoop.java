package io.patchbay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The floor patchbay is compared with: a shell loop of {@code git apply --index && git commit -q}
 * over the same one-file patches, on a copy of the same tree.
 */
final class GitLoop {

    private static final String SCRIPT = "set -e; cd \"$1\"; for f in \"$2\"/*.patch; do "
            + "git apply --index \"$f\" && git commit -q -m \"$(basename \"$f\")\"; done";

    private GitLoop() {}

    /** Copies {@code tree} (with its .git) to {@code copy}. */
    static void copyTree(Path tree, Path copy) throws Exception {
        Files.createDirectories(copy.getParent());
        run(List.of("cp", "-a", tree.toString(), copy.toString()));
    }

    /** Writes the patches as numbered files, in the order they are to be applied. */
    static Path writePatches(Path dir, List<String> diffs) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < diffs.size(); i++) {
            Files.writeString(dir.resolve(String.format("%06d.patch", i)), diffs.get(i), StandardCharsets.UTF_8);
        }
        return dir;
    }

    /** Runs one loop per (tree, patches) pair, all at once, and returns the wall time in nanoseconds. */
    static long runParallel(List<Path> trees, List<Path> patchDirs) throws Exception {
        List<Process> loops = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < trees.size(); i++) {
            loops.add(start(List.of("bash", "-c", SCRIPT, "loop", trees.get(i).toString(),
                    patchDirs.get(i).toString())));
        }
        for (Process p : loops) {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("the git loop failed: "
                        + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return System.nanoTime() - t0;
    }

    private static Process start(List<String> argv) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        // The same identity whoever runs the bench; no global git configuration is needed.
        pb.environment().putAll(java.util.Map.of("GIT_AUTHOR_NAME", "bench", "GIT_AUTHOR_EMAIL", "bench@localhost",
                "GIT_COMMITTER_NAME", "bench", "GIT_COMMITTER_EMAIL", "bench@localhost"));
        return pb.start();
    }

    private static void run(List<String> argv) throws Exception {
        Process p = start(argv);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
    }

    /** A unified diff that adds one file of one line. */
    static String newFileDiff(String path, String line) {
        return "diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path
                + "\n@@ -0,0 +1 @@\n+" + line + "\n";
    }
}
