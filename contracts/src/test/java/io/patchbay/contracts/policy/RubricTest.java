package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.work.GateResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RubricTest {

    private static final Rubric RUBRIC = RubricLoader.loadDefault();
    private static final Duration SLA = Duration.ofMinutes(10);
    private static final GateResult PASSED = new GateResult("unit", true, 0, 1200, "ok");
    private static final GateResult FAILED = new GateResult("lint", false, 1, 300, "bad");

    private static Rubric.Outcome outcome(List<String> declared, List<Rubric.Change> changes, List<GateResult> gates,
            Duration took, int attempt) {
        return new Rubric.Outcome(true, declared, changes, gates, took, SLA, attempt);
    }

    private static Rubric.Reason reason(Rubric.Score s, String id) {
        return s.reasons().stream().filter(r -> r.criterion().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aTidyPatchMeetsEveryCriterion() {
        var changes = List.of(new Rubric.Change("src/app.js", 10, 2), new Rubric.Change("docs/app.md", 3, 0));
        Rubric.Score s = RUBRIC.score(outcome(List.of("src/app.js", "docs/app.md"), changes, List.of(PASSED),
                Duration.ofSeconds(30), 1));

        assertThat(s.score()).isEqualTo(1.0);
        assertThat(s.passed()).isTrue();
        assertThat(s.reasons()).hasSize(6).allSatisfy(r -> assertThat(r.met()).isTrue());
        assertThat(s.headline()).isEqualTo("1.00 (13/13)");
    }

    @Test
    void everyMissedCriterionCostsItsWeightAndSaysWhy() {
        var changes = List.of(new Rubric.Change("src/app.js", 500, 0), new Rubric.Change("build/out.js", 1, 0));
        Rubric.Score s = RUBRIC.score(outcome(List.of("src/app.js"), changes, List.of(PASSED, FAILED),
                Duration.ofMinutes(11), 3));

        assertThat(s.earned()).isZero();
        assertThat(s.passed()).isFalse();
        assertThat(reason(s, "gates-passed").sentence()).contains("lint");
        assertThat(reason(s, "scope-respected").sentence()).contains("build/out.js");
        assertThat(reason(s, "docs-touched-with-code").sentence()).contains("no documentation");
        assertThat(reason(s, "duration-within-sla").sentence()).contains("over the SLA");
        assertThat(reason(s, "first-attempt").sentence()).contains("3 attempts");
        assertThat(reason(s, "small-change").sentence()).contains("501 line(s)");
    }

    @Test
    void aPatchWithoutGatesOrCodeIsScoredOnWhatItDid() {
        var changes = List.of(new Rubric.Change("README.md", 1, 1));
        Rubric.Score s = RUBRIC.score(outcome(List.of("README.md"), changes, List.of(), Duration.ofSeconds(1), 1));

        assertThat(reason(s, "gates-passed").met()).isFalse();
        assertThat(reason(s, "docs-touched-with-code").sentence()).contains("No code changed");
        assertThat(s.earned()).isEqualTo(9);
        assertThat(s.score()).isEqualTo(9.0 / 13);
        assertThat(s.passed()).isFalse();
    }

    @Test
    void theDefaultRubricIsVersionedAndHashed() {
        assertThat(RUBRIC.version()).isNotBlank();
        assertThat(RUBRIC.hash()).hasSize(64);
        assertThat(RUBRIC.criteria()).extracting(Rubric.Criterion::kind).containsExactlyInAnyOrder("gatesPassed",
                "scopeRespected", "docsWithCode", "withinSla", "firstAttempt", "smallChange");
    }

    @Test
    void aBadRubricNamesFileLineAndReason() {
        assertThatThrownBy(() -> RubricLoader.parse("""
                version: "1"
                criteria:
                  - {id: a, kind: gatesPassed, weight: 2}
                  - {id: a, kind: vibes, weight: -1}
                  - {id: b, kind: docsWithCode, weight: 1}
                """.getBytes(StandardCharsets.UTF_8), "rubric.yml"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.file()).isEqualTo("rubric.yml");
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.reason()).contains("criteria.1.kind: expected one of").contains("criteria.1.weight");
                });
        assertThatThrownBy(() -> RubricLoader.parse("""
                version: "1"
                criteria:
                  - {id: a, kind: gatesPassed, weight: 2}
                  - {id: a, kind: docsWithCode, weight: 1}
                """.getBytes(StandardCharsets.UTF_8), "rubric.yml"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.reason()).contains("used twice").contains("needs both 'code' and 'docs'");
                });
    }
}
