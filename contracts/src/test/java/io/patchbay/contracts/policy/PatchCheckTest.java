package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PatchCheckTest {

    private static final ExecutionContract CONTRACT = ContractLoader.loadDefault();
    /** A Saturday: the default contract's high-risk window is closed. */
    private static final Instant SATURDAY = Instant.parse("2026-11-28T12:00:00Z");

    private static PatchCheck check(String text, PatchReader.Format format, String domain) {
        return PatchCheck.of(text.getBytes(StandardCharsets.UTF_8), format, domain, Submitter.http("local"), CONTRACT,
                SATURDAY);
    }

    @Test
    void aGoodPatchPasses() {
        PatchCheck c = check("--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n", PatchReader.Format.DIFF, "main");

        assertThat(c.passes()).isTrue();
        assertThat(c.patch().id()).hasSize(64);
        assertThat(c.lines()).contains("allowed");
    }

    @Test
    void aRefusedPatchListsEveryViolation() {
        PatchCheck c = check("{\"domain\": \"main\", \"files\": [{\"path\": \"../x\", \"content\": \"\"}],"
                + " \"commands\": [[\"curl\", \"x\"]]}", PatchReader.Format.JSON, null);

        assertThat(c.passes()).isFalse();
        assertThat(c.lines()).contains("refused:").anySatisfy(l -> assertThat(l).contains("PATH_TRAVERSAL"))
                .anySatisfy(l -> assertThat(l).contains("COMMAND_NOT_ALLOWED"));
    }

    @Test
    void inputThatIsNotAPatchListsEveryProblem() {
        PatchCheck c = check("{\"risk\": \"extreme\", \"colour\": 1}", PatchReader.Format.JSON, "main");

        assertThat(c.passes()).isFalse();
        assertThat(c.verdict()).isNull();
        assertThat(c.formatProblems()).hasSize(2);
        assertThat(c.lines()).first().isEqualTo("not a patch:");
    }

    @Test
    void anAllowedHighRiskPatchPassesButSaysWhatItWaitsFor() {
        PatchCheck c = check("{\"domain\": \"main\", \"risk\": \"high\", \"files\": [{\"path\": \"a\", \"content\": \"\"}]}",
                PatchReader.Format.JSON, null);

        assertThat(c.passes()).isTrue();
        assertThat(c.lines()).contains("needs 1 approval(s) before it runs")
                .contains("waits for its change window, which opens at 2026-11-30T08:00:00Z");
    }
}
