package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.policy.RubricLoader;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each finished patch is scored by the rubric; the score and its reasons go into the summary and the result. */
class SummaryRubricTest {

    private static final String CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  shell: true
                  allow: [["sh"]]
                sla:
                  runTime: 10m
            """;

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse(CONTRACT.getBytes(StandardCharsets.UTF_8), "test");
    private final Rubric rubric = RubricLoader.loadDefault();

    @BeforeEach
    void setUp() {
        Workspaces.ensure(contract, home);
    }

    private WorkResult run(Patch p, Rubric r) throws InterruptedException {
        var runner = new PatchRunner(home, () -> contract, () -> r, Clock.systemUTC(), "w");
        return runner.run(new WorkOrder("main", p.id(), 1, p, Instant.now()), x -> { });
    }

    private static Patch patch(String id, List<FileChange> files, List<Gate> gates, Patch.Notes notes) {
        return new Patch(id, "main", "Patch " + id, null, null, null, files, null, gates, null, notes);
    }

    @Test
    void succeededPatchCarriesItsScoreAndTheSummaryGivesEveryReason() throws Exception {
        var notes = new Patch.Notes(List.of("the page says hello"), "revert the commit", "out/summary.md", "node-runner");
        Patch p = patch("s1", List.of(FileChange.write("src/app.js", "console.log('hello');\n"),
                        FileChange.write("docs/app.md", "# App\n\nSays hello.\n")),
                List.of(Gate.command("says-hello", List.of("sh", "-c", "echo checked; grep -q hello src/app.js"))), notes);

        var s = (WorkResult.Succeeded) run(p, rubric);

        assertThat(s.score()).isEqualTo(1.0);
        String md = s.summary();
        assertThat(md).contains("| Score | 1.00 (13/13) |");
        assertThat(md).contains("## Self-evaluation").contains("Score **1.00 (13/13)**");
        assertThat(md).contains("| gates-passed | yes | 4/4 | All 1 gate(s) passed. |");
        assertThat(md).contains("| scope-respected | yes | 3/3 | Only the declared files changed. |");
        assertThat(md).contains("| docs-touched-with-code | yes | 2/2 |");
        assertThat(md).contains("| duration-within-sla | yes | 2/2 |").contains("within the SLA of 600 s");
        assertThat(md).contains("2 files changed, 4 insertions(+), 0 deletions(-)");
        assertThat(md).contains("| says-hello | passed | 0 |").contains("checked");
        assertThat(md).contains("## Notes from the submitter").contains("From: node-runner")
                .contains("- the page says hello").contains("### Rollback plan\n\nrevert the commit")
                .contains("`out/summary.md`");
        assertThat(Files.readString(home.resolve(s.summaryPath()))).isEqualTo(md);
    }

    @Test
    void criteriaThatAreNotMetLowerTheScoreAndSayWhy() throws Exception {
        Patch p = patch("s2", List.of(FileChange.write("src/app.js", "x\n")), List.of(), null);

        var s = (WorkResult.Succeeded) run(p, rubric);

        Rubric.Score expected = rubric.score(new Rubric.Outcome(true, List.of("src/app.js"),
                List.of(new Rubric.Change("src/app.js", 1, 0)), List.of(), java.time.Duration.ZERO,
                java.time.Duration.ofMinutes(10), 1));
        assertThat(s.score()).isEqualTo(expected.score()).isLessThan(1.0);
        assertThat(s.summary()).contains("below the pass score")
                .contains("| gates-passed | no | 0/4 | No gate ran, so nothing showed that the change works. |")
                .contains("| docs-touched-with-code | no | 0/2 | Code changed but no documentation did. |")
                .doesNotContain("Notes from the submitter");
    }

    @Test
    void failedPatchIsScoredWithTheFailedGateAndItsExitCodeAndOutput() throws Exception {
        Patch p = patch("s3", List.of(FileChange.write("docs/a.md", "a\n")),
                List.of(Gate.command("fails", List.of("sh", "-c", "echo broken; exit 3"))), null);

        var f = (WorkResult.Failed) run(p, rubric);

        assertThat(f.score()).isNotNull().isLessThan(rubric.passScore());
        assertThat(f.summary()).contains("| fails | failed | 3 |").contains("broken")
                .contains("| gates-passed | no | 0/4 | Gate(s) fails did not pass. |");
    }

    @Test
    void theRubricGivenIsTheOneUsed() throws Exception {
        Rubric onlySmall = RubricLoader.parse("""
                version: "tiny"
                criteria:
                  - {id: small, kind: smallChange, weight: 1, maxFiles: 1, maxLines: 1}
                """.getBytes(StandardCharsets.UTF_8), "tiny");
        Patch p = patch("s4", List.of(FileChange.write("a.txt", "1\n2\n")), List.of(), null);

        var s = (WorkResult.Succeeded) run(p, onlySmall);

        assertThat(s.score()).isZero();
        assertThat(s.summary()).contains("| small | no | 0/1 | A large change: 1 file(s), 2 line(s)");
    }
}
