package io.patchbay.bench;

import io.patchbay.contracts.patch.Diff;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.worker.PatchRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * P2c-history: the worker replaying a real repository's own history on its real tree, beside a
 * shell loop of git doing the same. The newest {@code steps} first-parent steps of the repository
 * named by {@value #ENV} (a clone of git's own repository, say) become one diff each
 * ({@code git diff --binary --full-index} against the first parent); two clones are checked out at
 * the commit before the oldest step, and each replays every diff in order: once with
 * {@code git apply --index && git commit -q}, once with {@link PatchRunner}. Steps with no change
 * are left out of both.
 */
final class HistoryBench {

    /** The environment variable naming the repository whose history is replayed. */
    static final String ENV = "PATCHBAY_BENCH_HISTORY";

    record Result(String repository, int steps, int files, Pace git, Pace worker) {

        double ratio() {
            return worker.perSecond() / git.perSecond();
        }

        String markdown() {
            return "## P2c-history: the newest " + steps + " first-parent steps of " + repository + " on its tree of "
                    + files + " files\n\n| series | patches/s | ms per patch | CPU ms per patch |\n|---|---|---|---|\n"
                    + String.format("| shell loop of `git apply --index --binary && git commit -q` | %.1f | %.1f | %.1f |%n",
                            git.perSecond(), 1000 / git.perSecond(), git.cpuMsPerPatch())
                    + String.format("| patchbay worker (`PatchRunner`, no Kafka, no commands) | %.1f | %.1f | %.1f |%n",
                            worker.perSecond(), 1000 / worker.perSecond(), worker.cpuMsPerPatch())
                    + String.format("%nratio worker / git loop: %.2f (CPU time per patch: git loop / worker %.2f)%n%n",
                            ratio(), git.cpuMsPerPatch() / worker.cpuMsPerPatch());
        }
    }

    private HistoryBench() {}

    static Result run(Path source, Path dir, int steps) throws Exception {
        List<String> commits = new ArrayList<>(List.of(git(source, "rev-list", "--first-parent", "-n",
                String.valueOf(steps + 1), "HEAD").strip().split("\n")));
        Collections.reverse(commits);
        if (commits.size() < 2) {
            throw new IllegalArgumentException(source + " has no history to replay");
        }
        String base = commits.get(0);
        Path diffs = Files.createDirectories(dir.resolve("diffs"));
        List<Path> patches = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (int i = 1; i < commits.size(); i++) {
            Path d = diffs.resolve(String.format("%05d.diff", i));
            runTo(source, List.of("git", "diff", "--binary", "--full-index", "--no-renames", commits.get(i - 1),
                    commits.get(i)), d);
            if (Files.size(d) > 0) {
                patches.add(d);
                titles.add(git(source, "log", "-1", "--format=%s", commits.get(i)).strip());
            } else {
                Files.delete(d);
            }
        }
        Path shell = dir.resolve("shell");
        Path home = dir.resolve("home");
        Path worker = home.resolve("ws/history");
        Files.createDirectories(worker.getParent());
        for (Path copy : List.of(shell, worker)) {
            run(dir, List.of("git", "clone", "-q", "--shared", "--no-checkout", source.toString(), copy.toString()));
            git(copy, "checkout", "-q", "-B", "main", base);
        }
        int files = git(shell, "ls-files").split("\n").length;
        Pace gitRate = shellLoop(shell, patches);
        Pace workerRate = throughWorker(home, worker, patches, titles);
        return new Result(source.getFileName().toString().equals("repo") ? source.getParent().getFileName().toString()
                : source.getFileName().toString(), patches.size(), files, gitRate, workerRate);
    }

    private static Pace shellLoop(Path repo, List<Path> patches) throws Exception {
        var script = new StringBuilder("set -e\n");
        for (int i = 0; i < patches.size(); i++) {
            script.append("git apply --index --binary '").append(patches.get(i))
                    .append("' && git -c core.hooksPath=/dev/null commit -q --allow-empty")
                    .append(" --author='Bench <bench@localhost>' -m 'Step ").append(i)
                    .append("' -m 'Patch-Id: step-").append(i).append("'\n");
        }
        Path sh = repo.getParent().resolve("history-loop.sh");
        Files.writeString(sh, script);
        Pace.Start t0 = Pace.start();
        run(repo, List.of("bash", sh.toString()));
        return t0.end(patches.size());
    }

    private static Pace throughWorker(Path home, Path repo, List<Path> patches, List<String> titles)
            throws Exception {
        ExecutionContract contract = ContractLoader.parse("""
                version: "bench"
                domains:
                  history:
                    workspace: ws/history
                    limits:
                      patchBytes: 2621440
                      files: 100000
                    commands:
                      sandbox: none
                """.getBytes(StandardCharsets.UTF_8), "bench");
        PatchRunner runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "bench-worker");
        String head = git(repo, "rev-parse", "HEAD").strip();
        // The diffs are read before the clock starts: the loop reads its own from disk as it goes, which is cheap.
        List<byte[]> bodies = new ArrayList<>();
        for (Path p : patches) {
            bodies.add(Files.readAllBytes(p));
        }
        Pace.Start t0 = Pace.start();
        for (int i = 0; i < bodies.size(); i++) {
            String id = "step-" + i;
            Patch p = new Patch(id, "history", titles.get(i), null, "Bench <bench@localhost>",
                    Diff.of(bodies.get(i)), List.of(), List.of(), List.of(), null, null);
            WorkResult r = runner.run(new WorkOrder("history", id, 1, p, Instant.now()).withExpectedHead(head),
                    progress -> { });
            if (!(r instanceof WorkResult.Succeeded s)) {
                throw new IllegalStateException("step " + i + " (" + titles.get(i) + ") did not succeed: " + r);
            }
            head = s.commitId();
        }
        return t0.end(bodies.size());
    }

    private static String git(Path repo, String... args) throws Exception {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.addAll(List.of(args));
        Path out = Files.createTempFile("bench", ".out");
        try {
            runTo(repo, argv, out);
            return Files.readString(out);
        } finally {
            Files.delete(out);
        }
    }

    private static void run(Path dir, List<String> argv) throws Exception {
        Path out = Files.createTempFile("bench", ".out");
        try {
            runTo(dir, argv, out);
        } finally {
            Files.delete(out);
        }
    }

    private static void runTo(Path dir, List<String> argv, Path out) throws Exception {
        Path err = Files.createTempFile("bench", ".err");
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException("`" + String.join(" ", argv) + "` failed: " + Files.readString(err));
            }
        } finally {
            Files.delete(err);
        }
    }
}
