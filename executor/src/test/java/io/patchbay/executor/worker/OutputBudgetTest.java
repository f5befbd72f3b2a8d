package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.GateResult;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** One patch's outputs share one budget fairly, keeping each output's head and tail and saying what was cut. */
class OutputBudgetTest {

    private static String lines(String tag, int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> tag + " line " + i).collect(Collectors.joining("\n", "", "\n"));
    }

    private static GateResult gate(String name, boolean passed, String out) {
        return new GateResult(name, passed, passed ? 0 : 1, 10, out);
    }

    private static long total(OutputBudget.Fitted f) {
        return f.gates().stream().mapToLong(g -> OutputBudget.bytes(g.outputTail())).sum()
                + f.commands().stream().mapToLong(c -> OutputBudget.bytes(c.outputTail())).sum();
    }

    @Test
    void outputsThatFitAreKeptWhole() {
        var gates = List.of(gate("a", true, "ok\n"), gate("b", false, "boom\n"));

        OutputBudget.Fitted f = new OutputBudget(1_000).fit(List.of(), gates);

        assertThat(f.gates()).isEqualTo(gates);
        assertThat(f.cutBytes()).isZero();
        assertThat(f.note()).isNull();
    }

    @Test
    void smallOutputsStayWholeAndLargeOnesShareTheRestKeepingHeadAndTail() {
        String small = "all good\n";
        var gates = List.of(gate("small", true, small), gate("big1", true, lines("one", 2_000)),
                gate("big2", false, lines("two", 2_000)));
        var budget = new OutputBudget(8_000);

        OutputBudget.Fitted f = budget.fit(List.of(new Summary.CommandRun(List.of("make"), 0, false, 5, "built\n")), gates);

        assertThat(f.commands().get(0).outputTail()).isEqualTo("built\n");
        assertThat(f.gates().get(0).outputTail()).isEqualTo(small);
        for (int i = 1; i <= 2; i++) {
            String tag = i == 1 ? "one" : "two";
            String kept = f.gates().get(i).outputTail();
            assertThat(kept).startsWith(tag + " line 1\n").endsWith(tag + " line 2000\n")
                    .contains("bytes cut here: this patch keeps at most 8000 bytes of output in all");
            // Each of the two keeps an equal part of what the small ones left, give or take its marker.
            assertThat(OutputBudget.bytes(kept)).isBetween(3_000L, 4_100L);
        }
        assertThat(f.gates()).extracting(GateResult::name, GateResult::passed, GateResult::exitCode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("small", true, 0),
                        org.assertj.core.groups.Tuple.tuple("big1", true, 0),
                        org.assertj.core.groups.Tuple.tuple("big2", false, 1));
        assertThat(total(f)).isLessThanOrEqualTo(8_000 + 2 * 120);
        assertThat(f.cutOutputs()).isEqualTo(2);
        assertThat(f.note()).startsWith(f.cutBytes() + " of " + f.totalBytes() + " bytes cut from 2 outputs")
                .endsWith("at most 8000 bytes of output in all");
    }

    @Test
    void withTooManyOutputsFailedOnesKeepTheirsFirst() {
        var gates = IntStream.range(0, 40).mapToObj(i -> gate("g" + i, i != 37, lines("g" + i, 100))).toList();

        OutputBudget.Fitted f = new OutputBudget(2_048).fit(List.of(), gates);

        assertThat(f.gates().get(37).outputTail()).startsWith("g37 line 1\n").endsWith("g37 line 100\n");
        long keeping = f.gates().stream().filter(g -> g.outputTail().contains(" line 1\n")).count();
        assertThat(keeping).isEqualTo(2_048 / OutputBudget.MIN_SHARE);
        assertThat(f.gates().get(39).outputTail()).startsWith("[").contains("bytes of output left out")
                .contains("failed commands and gates keep theirs first");
        assertThat(f.cutOutputs()).isEqualTo(40);
    }

    @Test
    void multiByteTextIsCutBetweenCharacters() {
        String text = "é".repeat(5_000);

        String kept = new OutputBudget(1_001).fit(List.of(), List.of(gate("u", true, text))).gates().get(0).outputTail();

        assertThat(kept.replaceAll("\\[… \\d+ bytes cut here[^\\]]*\\]\n?", "")).matches("é+\n?é*");
        assertThat(kept).doesNotContain("\uFFFD");
    }

    @Test
    void budgetFollowsTheRecordLimit() {
        assertThat(OutputBudget.of(RecordLimits.DEFAULT).totalBytes())
                .isEqualTo((8 * 1024 * 1024 - RecordLimits.ENVELOPE_BYTES) / 6);
        assertThat(OutputBudget.of(new RecordLimits(RecordLimits.MIN_MAX_RECORD_BYTES)).totalBytes()).isEqualTo(21_845);
        assertThatThrownBy(() -> new OutputBudget(100)).hasMessageContaining("at least 512 bytes");
    }
}
