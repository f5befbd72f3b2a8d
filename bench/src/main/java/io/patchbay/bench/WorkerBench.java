package io.patchbay.bench;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.worker.PatchRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * P2c-worker: the worker alone on a tree of real size, beside its floor. A repository of
 * {@code files} files and {@code commits} commits is generated (with {@code git fast-import}, in
 * seconds), copied twice, and the same {@code patches} one-file diffs are applied to each copy:
 * once by a shell loop of {@code git apply --index && git commit -q}, once by {@link PatchRunner}
 * called directly (no Kafka, no commands, no sandbox). What is left between the two is the
 * worker's own cost per patch.
 */
final class WorkerBench {

    /** The figures of one run. */
    record Result(int files, int commits, int patches, Pace git, Pace worker, double generateSeconds) {

        double ratio() {
            return worker.perSecond() / git.perSecond();
        }

        String markdown() {
            return "## P2c-worker: one-file patches on a tree of " + files + " files and " + commits + " commits\n\n"
                    + "| series | patches/s | ms per patch | CPU ms per patch |\n|---|---|---|---|\n"
                    + String.format("| shell loop of `git apply --index && git commit -q` | %.1f | %.1f | %.1f |%n",
                            git.perSecond(), 1000 / git.perSecond(), git.cpuMsPerPatch())
                    + String.format("| patchbay worker (`PatchRunner`, no Kafka, no commands) | %.1f | %.1f | %.1f |%n",
                            worker.perSecond(), 1000 / worker.perSecond(), worker.cpuMsPerPatch())
                    + String.format("%n%d patches on identical copies; ratio worker / git loop: %.2f (CPU time per "
                            + "patch: git loop / worker %.2f; generating the repository took %.1f s)%n%n", patches,
                            ratio(), git.cpuMsPerPatch() / worker.cpuMsPerPatch(), generateSeconds);
        }
    }

    private static final int LINES = 12;

    private WorkerBench() {}

    static Result run(Path dir, int files, int commits, int patches) throws Exception {
        if (patches > files / 2) {
            throw new IllegalArgumentException("at most " + files / 2 + " patches for " + files + " files");
        }
        long g0 = System.nanoTime();
        Path origin = dir.resolve("origin");
        generate(origin, files, commits);
        Path home = dir.resolve("home");
        Path shellCopy = dir.resolve("shell");
        Path workerCopy = home.resolve("ws/bench");
        Files.createDirectories(workerCopy.getParent());
        copy(origin, shellCopy);
        copy(origin, workerCopy);
        double generated = (System.nanoTime() - g0) / 1e9;

        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < patches; i++) {
            // The second half of the files: the history only ever changed the first half.
            diffs.add(diff(files / 2 + i));
        }
        Pace git = shellLoop(shellCopy, dir.resolve("diffs"), diffs);
        Pace worker = throughWorker(home, workerCopy, diffs);
        return new Result(files, commits, patches, git, worker, generated);
    }

    // ---- the repository -----------------------------------------------------------------------

    private static String path(int file) {
        return String.format("src/m%02d/d%02d/f%05d.txt", file % 50, (file / 50) % 20, file);
    }

    private static String content(int file, int version) {
        var b = new StringBuilder();
        for (int line = 0; line < LINES; line++) {
            b.append("file ").append(file).append(" line ").append(line);
            if (line == 0 && version > 0) {
                b.append(" v").append(version);
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One commit with every file, then commits that each change a file of the first half, by fast-import. */
    private static void generate(Path repo, int files, int commits) throws Exception {
        Files.createDirectories(repo);
        git(repo, "init", "-q", "-b", "main");
        Path stream = repo.resolve(".git/bench-import");
        try (OutputStream out = Files.newOutputStream(stream)) {
            long when = 1_700_000_000L;
            for (int c = 0; c < commits; c++) {
                var b = new StringBuilder();
                String msg = c == 0 ? "Import\n" : "Change " + c + "\n";
                b.append("commit refs/heads/main\n")
                        .append("committer Bench <bench@localhost> ").append(when + c).append(" +0000\n")
                        .append("data ").append(msg.getBytes(StandardCharsets.UTF_8).length).append('\n').append(msg);
                if (c == 0) {
                    for (int f = 0; f < files; f++) {
                        appendFile(b, f, 0);
                    }
                } else {
                    int f = (c * 7) % (files / 2);
                    appendFile(b, f, c);
                }
                b.append('\n');
                out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        run(repo, List.of("git", "fast-import", "--quiet"), stream);
        Files.delete(stream);
        git(repo, "reset", "-q", "--hard", "main");
        git(repo, "gc", "-q");
    }

    private static void appendFile(StringBuilder b, int file, int version) {
        String text = content(file, version);
        b.append("M 100644 inline ").append(path(file)).append('\n')
                .append("data ").append(text.getBytes(StandardCharsets.UTF_8).length).append('\n').append(text);
    }

    private static void copy(Path from, Path to) throws Exception {
        run(from.getParent(), List.of("cp", "-a", from.toString(), to.toString()));
        // A copy has new inodes: let git refresh the index's stat data, as a clone's checkout would leave it.
        git(to, "update-index", "-q", "--refresh");
    }

    /** Changes the first line of a file still at its first version. */
    private static String diff(int file) {
        String p = path(file);
        return "diff --git a/" + p + " b/" + p + "\n--- a/" + p + "\n+++ b/" + p + "\n@@ -1,3 +1,3 @@\n"
                + "-file " + file + " line 0\n+file " + file + " line 0 patched\n"
                + " file " + file + " line 1\n file " + file + " line 2\n";
    }

    // ---- the two series -----------------------------------------------------------------------

    private static Pace shellLoop(Path repo, Path diffDir, List<String> diffs) throws Exception {
        Files.createDirectories(diffDir);
        var script = new StringBuilder("set -e\n");
        for (int i = 0; i < diffs.size(); i++) {
            Path d = diffDir.resolve("p" + i + ".diff");
            Files.writeString(d, diffs.get(i));
            script.append("git apply --index '").append(d).append("' && git -c core.hooksPath=/dev/null commit -q")
                    .append(" --author='Bench <bench@localhost>' -m 'Bench patch ").append(i)
                    .append("' -m 'Patch-Id: bench-").append(i).append("'\n");
        }
        Path sh = diffDir.resolve("loop.sh");
        Files.writeString(sh, script);
        Pace.Start t0 = Pace.start();
        run(repo, List.of("bash", sh.toString()));
        return t0.end(diffs.size());
    }

    private static Pace throughWorker(Path home, Path repo, List<String> diffs) throws Exception {
        ExecutionContract contract = ContractLoader.parse("""
                version: "bench"
                domains:
                  bench:
                    workspace: ws/bench
                    commands:
                      sandbox: none
                """.getBytes(StandardCharsets.UTF_8), "bench");
        PatchRunner runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "bench-worker");
        String head = git(repo, "rev-parse", "HEAD").strip();
        Pace.Start t0 = Pace.start();
        for (int i = 0; i < diffs.size(); i++) {
            String id = "bench-" + i;
            Patch p = new Patch(id, "bench", "Bench patch " + i, null, "Bench <bench@localhost>", diffs.get(i),
                    List.of(), List.of(), List.of(), null);
            WorkResult r = runner.run(new WorkOrder("bench", id, 1, p, Instant.now()).withExpectedHead(head),
                    progress -> { });
            if (!(r instanceof WorkResult.Succeeded s)) {
                throw new IllegalStateException("patch " + id + " did not succeed: " + r);
            }
            head = s.commitId();
        }
        return t0.end(diffs.size());
    }

    // ---- processes ----------------------------------------------------------------------------

    private static String git(Path repo, String... args) throws Exception {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.addAll(List.of(args));
        return run(repo, argv);
    }

    private static String run(Path dir, List<String> argv) throws Exception {
        return run(dir, argv, null);
    }

    private static String run(Path dir, List<String> argv, Path input) throws Exception {
        Path out = Files.createTempFile("bench", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.redirectInput(input == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.from(input.toFile()));
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("`" + String.join(" ", argv) + "` failed: " + Files.readString(out));
            }
            return Files.readString(out);
        } finally {
            Files.delete(out);
        }
    }
}
