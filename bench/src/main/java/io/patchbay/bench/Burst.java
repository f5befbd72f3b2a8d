package io.patchbay.bench;

import io.patchbay.app.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * P2b: N one-file patches submitted at once, to one domain and spread over ten, timed from the first
 * submission until the last Succeeded event, beside the git shell loop applying the same patches to
 * a copy of the same trees (ten loops in parallel for ten domains). P7: the process's resident
 * memory and heap at their peak during the bursts, beside the same process before patchbay started
 * (the embedded broker and the bench alone).
 */
final class Burst {

    static final int DOMAINS = 10;

    record Result(int patches, double oneRate, double oneFloorRate, double tenRate, double tenFloorRate,
            Memory.Sample before, Memory.Sample peak) {
        List<Figure> figures() {
            return List.of(
                    Figure.ofRates("P2b", patches + " patches at once to one domain, submit → last Succeeded", oneRate,
                            oneFloorRate, "git apply --index && git commit loop", "patches/s"),
                    Figure.ofRates("P2b", patches + " patches at once over " + DOMAINS + " domains", tenRate,
                            tenFloorRate, DOMAINS + " git loops in parallel", "patches/s"),
                    Figure.ofTimes("P7", "resident memory (VmRSS) at its peak during P2b, broker in the same JVM",
                            peak.rssBytes() / 1048576.0,
                            before.rssBytes() / 1048576.0, "same JVM before patchbay started", "MiB"),
                    Figure.ofTimes("P7", "Java heap used at its peak during P2b", peak.heapBytes() / 1048576.0,
                            before.heapBytes() / 1048576.0, "same JVM before patchbay started", "MiB"));
        }
    }

    private Burst() {}

    static Result run(String bootstrap, Path dir, int n) throws Exception {
        Path home = dir.resolve("home");
        Path contract = writeContract(dir.resolve("execution-contract.yml"));
        List<String> oneDiffs = new ArrayList<>();
        List<List<String>> tenDiffs = new ArrayList<>();
        for (int d = 0; d < DOMAINS; d++) {
            tenDiffs.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            oneDiffs.add(GitLoop.newFileDiff("burst/one-" + i + ".txt", "one " + i));
            tenDiffs.get(i % DOMAINS).add(GitLoop.newFileDiff("burst/ten-" + i + ".txt", "ten " + i));
        }
        System.gc();
        Memory.Sample before = Memory.Sample.now();
        try (BenchNode node = BenchNode.start(bootstrap, home, contract, EnumSet.allOf(Role.class), Map.of());
                Memory memory = new Memory()) {
            Path workspaces = home.resolve("var/workspaces");
            warmUp(node, bootstrap);
            // The floor's trees are copies of patchbay's, taken before the timed bursts change them.
            Path floor = dir.resolve("floor");
            GitLoop.copyTree(workspaces.resolve("b0"), floor.resolve("one/b0"));
            List<Path> tenTrees = new ArrayList<>();
            List<Path> tenPatches = new ArrayList<>();
            for (int d = 0; d < DOMAINS; d++) {
                GitLoop.copyTree(workspaces.resolve("b" + d), floor.resolve("ten/b" + d));
                tenTrees.add(floor.resolve("ten/b" + d));
                tenPatches.add(GitLoop.writePatches(floor.resolve("patches/ten/b" + d), tenDiffs.get(d)));
            }
            Path onePatches = GitLoop.writePatches(floor.resolve("patches/one"), oneDiffs);
            double oneFloor = n / (GitLoop.runParallel(List.of(floor.resolve("one/b0")), List.of(onePatches)) / 1e9);
            double tenFloor = n / (GitLoop.runParallel(tenTrees, tenPatches) / 1e9);

            List<String> oneBodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                oneBodies.add(body("b0", "one " + i, oneDiffs.get(i)));
            }
            double one = burst(node, bootstrap, oneBodies);
            List<String> tenBodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tenBodies.add(body("b" + (i % DOMAINS), "ten " + i, tenDiffs.get(i % DOMAINS).get(i / DOMAINS)));
            }
            double ten = burst(node, bootstrap, tenBodies);
            memory.close();
            return new Result(n, one, oneFloor, ten, tenFloor, before, memory.peak());
        }
    }

    private static String body(String domain, String title, String diff) {
        return "{\"domain\":\"" + domain + "\",\"title\":\"burst " + title + "\",\"diff\":" + BenchNode.quote(diff)
                + "}";
    }

    /** Submits every body at once and returns patches per second until the last one succeeded. */
    /**
     * One patch per domain, run before the clock starts: a new node's worker may wait for its group's
     * earlier member to time out before it gets its partitions, which is start-up, not pace.
     */
    private static void warmUp(BenchNode node, String bootstrap) throws Exception {
        List<String> ids = new ArrayList<>();
        try (TerminalEvents events = new TerminalEvents(bootstrap)) {
            for (int d = 0; d < DOMAINS; d++) {
                ids.add(node.submit(body("b" + d, "warm-up " + d, GitLoop.newFileDiff("burst/warm-up.txt", "warm"))));
            }
            events.awaitAll(ids, Duration.ofSeconds(180));
        }
    }

    private static double burst(BenchNode node, String bootstrap, List<String> bodies) throws Exception {
        try (TerminalEvents events = new TerminalEvents(bootstrap)) {
            long t0 = System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (String b : bodies) {
                ids.add(node.submit(b));
            }
            long last = events.awaitAll(ids, Duration.ofSeconds(120 + 2L * bodies.size()));
            return bodies.size() / ((last - t0) / 1e9);
        }
    }

    /** A contract of ten plain domains b0..b9, each with its own workspace and nothing to run. */
    static Path writeContract(Path file) throws Exception {
        var y = new StringBuilder("version: \"bench.1\"\nroutes:\n  slackChannels: {}\n  nodeTargets: {}\n"
                + "identities: {}\ndomains:\n");
        for (int d = 0; d < DOMAINS; d++) {
            y.append("  b").append(d).append(":\n")
                    .append("    description: Bench domain ").append(d).append(".\n")
                    .append("    workspace: var/workspaces/b").append(d).append('\n')
                    .append("    submitters: {tokens: [\"*\"], spool: true, cli: true}\n")
                    .append("    paths: {allow: [\"**\"], deny: [\"secrets/**\"]}\n")
                    .append("    commands: {shell: false, allow: [[\"true\"]]}\n")
                    .append("    limits: {patchBytes: 1048576, files: 200, commandTimeout: 1m, patchTimeout: 10m,"
                            + " outputBytes: 16384}\n")
                    .append("    risk: {approvers: [\"*\"], fourEyes: true, levels: {high: {approvals: 1}}}\n")
                    .append("    retry: {maxAttempts: 3, backoff: 2s}\n")
                    .append("    quarantine: {on: [infrastructure], discardAfter: 7d}\n")
                    .append("    sla: {queueDepth: 100000, oldestPending: 1h, runTime: 10m, quarantine: 5,"
                            + " successRate: 0.5}\n");
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, y);
        return file;
    }
}
