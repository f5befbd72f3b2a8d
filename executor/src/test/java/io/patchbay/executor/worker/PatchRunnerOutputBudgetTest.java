package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A patch with many chatty gates keeps its summary and its result within one budget for the whole
 * patch, derived from the record limit, however many gates it has; each gate's output keeps its
 * head and its end. Real processes, real git.
 */
class PatchRunnerOutputBudgetTest {

    private static final String CONTRACT = """
            version: "budget-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  shell: true
                  allow: [["sh"]]
                limits:
                  commandTimeout: 30s
                  outputBytes: 4096
            """;
    private static final RecordLimits SMALLEST = new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES);
    private static final int GATES = 12;

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse(CONTRACT.getBytes(StandardCharsets.UTF_8), "test");
    private PatchRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        Path tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("notes.txt"), "one\n");
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, PatchRunner.defaultRubric(), Clock.systemUTC(), "worker-1",
                io.patchbay.executor.sandbox.Bubblewrap.onSystemPath(), SMALLEST);
    }

    /** A gate that prints 300 numbered lines (about 6 KB, more than the 4 KB each output keeps) and ends as told. */
    private static Gate chatty(int n, boolean pass) {
        return Gate.command("gate" + n, List.of("sh", "-c",
                "i=1; while [ $i -le 300 ]; do echo \"gate " + n + " says line $i\"; i=$((i+1)); done; exit "
                        + (pass ? 0 : 1)));
    }

    private WorkResult run(String id, boolean lastPasses) throws InterruptedException {
        List<Gate> gates = IntStream.rangeClosed(1, GATES).mapToObj(n -> chatty(n, n < GATES || lastPasses)).toList();
        Patch p = new Patch(id, "main", "Chatty gates", null, null, (String) null,
                List.of(FileChange.write("out.txt", "x\n")), null, gates, null);
        return runner.run(new WorkOrder("main", id, 1, p, Instant.now()), r -> { });
    }

    private static long outputBytes(List<GateResult> gates) {
        return gates.stream().mapToLong(g -> g.outputTail().getBytes(StandardCharsets.UTF_8).length).sum();
    }

    @Test
    void manyChattyGatesKeepTheSummaryAndResultWithinTheBudget() throws Exception {
        int budget = OutputBudget.of(SMALLEST).totalBytes();

        WorkResult r = run("chatty", true);

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        var s = (WorkResult.Succeeded) r;
        assertThat(s.gates()).hasSize(GATES);
        // Unbounded, the twelve outputs would keep 12 x 4 KB, more than twice the budget.
        assertThat(outputBytes(s.gates())).isGreaterThan(budget - 1_000).isLessThanOrEqualTo(budget + GATES * 120L);
        for (int n = 1; n <= GATES; n++) {
            assertThat(s.gates().get(n - 1).outputTail()).as("gate %d", n).contains("bytes cut here")
                    .endsWith("gate " + n + " says line 300\n");
        }
        String file = Files.readString(home.resolve(s.summaryPath()));
        assertThat(file).isEqualTo(s.summary()).contains("| Output | ").contains("bytes cut from 12 outputs")
                .contains("at most " + budget + " bytes of output in all");
        assertThat(file.getBytes(StandardCharsets.UTF_8).length).isLessThan(budget + 6_000);
        assertThat(Json.bytes(r).length).as("the result record").isLessThan(SMALLEST.maxRecordBytes() / 2);
    }

    @Test
    void failedGateKeepsItsEndAndTheFailureStaysWithinTheBudget() throws Exception {
        int budget = OutputBudget.of(SMALLEST).totalBytes();

        WorkResult r = run("chatty-fails", false);

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.gates()).last().satisfies(g -> {
                assertThat(g.passed()).isFalse();
                assertThat(g.outputTail()).endsWith("gate " + GATES + " says line 300\n");
            });
            assertThat(outputBytes(f.gates())).isLessThanOrEqualTo(budget + GATES * 120L);
            assertThat(f.summary()).contains("| Output | ");
        });
    }
}
