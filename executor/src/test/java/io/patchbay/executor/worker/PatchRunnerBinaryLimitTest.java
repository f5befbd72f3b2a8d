package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.BinaryLimit;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Verdict;
import io.patchbay.contracts.policy.Verdicts;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker reads binary files with the bound the verdict judged with, so the two agree: at the
 * bound both accept and the file is written; one byte over, both refuse, naming the size.
 */
class PatchRunnerBinaryLimitTest {

    private static final long PATCH_BYTES = 20_000;
    private static final long BOUND = BinaryLimit.FACTOR * PATCH_BYTES;
    private static final String CONTRACT = """
            version: "binary-1"
            domains:
              main:
                workspace: ws/main
                submitters: {tokens: [ci]}
                limits: {patchBytes: %d}
            """.formatted(PATCH_BYTES);

    @TempDir
    Path home;
    @TempDir
    Path scratch;

    private final ExecutionContract contract =
            ContractLoader.parse(CONTRACT.getBytes(StandardCharsets.UTF_8), "test");
    private Path tree;
    private PatchRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    /** {@code git diff --binary} of a new file of {@code size} zero bytes, made by real git. */
    private String binaryDiffOfZeros(String name, long size) throws Exception {
        git("init", "-q", scratch.toString());
        Files.write(scratch.resolve(name), new byte[(int) size]);
        git("-C", scratch.toString(), "add", "-N", name);
        Process p = new ProcessBuilder("git", "-C", scratch.toString(), "diff", "--binary").redirectErrorStream(true)
                .start();
        String diff = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(diff).contains("GIT binary patch\nliteral " + size + "\n");
        return diff;
    }

    private static void git(String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<String>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s", cmd).isZero();
    }

    private static Patch patch(String id, String diff) {
        return new Patch(id, "main", "Binary " + id, null, "Ann Example <ann@example.org>", diff, null, null, null,
                null);
    }

    private Verdict verdict(Patch p) {
        return Verdicts.judge(p, Submitter.http("ci"), contract, Instant.now());
    }

    private WorkResult run(Patch p) throws InterruptedException {
        return runner.run(new WorkOrder("main", p.id(), 1, p, Instant.now()), r -> { });
    }

    @Test
    void aBinaryFileAtTheBoundPassesTheVerdictAndIsWritten() throws Exception {
        Patch p = patch("at-bound", binaryDiffOfZeros("blank.bin", BOUND));

        assertThat(verdict(p).violations()).isEmpty();
        assertThat(run(p)).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(Files.size(tree.resolve("blank.bin"))).isEqualTo(BOUND);
    }

    @Test
    void aBinaryFileOneByteOverTheBoundIsRefusedByTheVerdictAndByTheWorker() throws Exception {
        Patch p = patch("over-bound", binaryDiffOfZeros("blank.bin", BOUND + 1));

        assertThat(verdict(p).violations()).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(BinaryLimit.CODE);
            assertThat(v.message()).contains("announces " + (BOUND + 1) + " bytes").contains("at most " + BOUND);
        });
        // Had it reached the worker anyway (a contract changed in between, say), the worker reads with the same bound.
        assertThat(run(p)).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass().retriable()).isFalse();
            assertThat(f.reason()).contains("announces " + (BOUND + 1) + " bytes").contains("at most " + BOUND);
        });
        assertThat(tree.resolve("blank.bin")).doesNotExist();
    }
}
