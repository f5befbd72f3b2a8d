package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary of a patch no worker wrote one for, rendered from its view in the format of a run's summary. */
class TerminalSummaryTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static PatchView view(PatchStatus status, String reason, String summaryPath, List<Violation> violations,
            String... timeline) {
        var entries = new ArrayList<TimelineEntry>();
        for (int i = 0; i < timeline.length; i += 2) {
            entries.add(new TimelineEntry(i / 2 + 1, timeline[i], T0.plusMillis(10L * (i / 2)), timeline[i + 1]));
        }
        return new PatchView("p1", "main", "Fix the docs", status, "http:alice", T0,
                entries.get(entries.size() - 1).at(), null, summaryPath, reason, entries, null, null, violations);
    }

    @Test
    void rejectionListsEveryViolationWithItsCodeSubjectAndSentence() {
        var violations = List.of(new Violation("PATH_DENIED", "secrets/key.pem", "path secrets/key.pem is denied"),
                new Violation("COMMAND_NOT_ALLOWED", "curl x", "command `curl x` is not allowed"));
        PatchView v = view(PatchStatus.REJECTED, "path secrets/key.pem is denied; command …", null, violations,
                "Submitted", "submitted", "Rejected", "rejected by contract 3: …");

        String md = TerminalSummary.render(v, null);

        assertThat(md).startsWith("# Fix the docs\n\n| | |\n|---|---|\n| Patch | `p1` |\n| Domain | main |\n"
                + "| Attempt | 0 |\n| Outcome | **Rejected** |\n| Duration | 10 ms |\n\n## Why\n\n");
        assertThat(md).contains("Its 2 reasons, each with its code:\n\n"
                + "- `PATH_DENIED` (`secrets/key.pem`): path secrets/key.pem is denied\n"
                + "- `COMMAND_NOT_ALLOWED` (`curl x`): command `curl x` is not allowed\n");
        assertThat(md).endsWith("## Changed files\n\nNone.\n\n## Gates\n\nNone ran.\n\n");
    }

    @Test
    void approverRejectionAndCancelBeforeRunSayWhoAndWhy() {
        PatchView byApprover = view(PatchStatus.REJECTED, "not before the backup", null, null,
                "Submitted", "submitted", "RejectedByApprover", "rejected by http:bob: not before the backup");
        assertThat(TerminalSummary.render(byApprover, null)).contains("| Outcome | **Rejected by an approver** |")
                .contains("Rejected by http:bob: not before the backup. Nothing of it ran.");

        PatchView cancelled = view(PatchStatus.CANCELLED, "superseded", null, null,
                "Submitted", "submitted", "Cancelled", "cancelled by http:bob: superseded");
        assertThat(TerminalSummary.rendersFor(cancelled)).isTrue();
        assertThat(TerminalSummary.render(cancelled, null)).contains("| Outcome | **Cancelled** |")
                .contains("Cancelled by http:bob: superseded.").contains("## Gates\n\nNone ran.");
    }

    @Test
    void quarantineEmbedsTheLastAttemptWithItsHeadingsBelowItsOwnAndLeavesItsOutputAlone() {
        String last = new Summary("Fix the docs", "p1", "main", 2, "Failed (INFRASTRUCTURE)", null, null, List.of(),
                List.of(), List.of(new io.patchbay.contracts.work.GateResult("unit", false, 1, 5, "# not a heading\n")),
                7, "cannot open the working tree", null).markdown();
        PatchView v = view(PatchStatus.QUARANTINED, "INFRASTRUCTURE: cannot open the working tree",
                "var/summaries/main/p1.md", null, "Submitted", "submitted", "Dispatched", "dispatched, attempt 1",
                "RetryScheduled", "attempt 2 scheduled", "Dispatched", "dispatched, attempt 2", "Quarantined",
                "quarantined after 2 attempts: INFRASTRUCTURE: cannot open the working tree");

        String md = TerminalSummary.render(v, last);

        assertThat(md).contains("| Attempt | 2 |").contains("| Outcome | **Quarantined** |")
                .contains("Quarantined after 2 attempts: INFRASTRUCTURE: cannot open the working tree.")
                .contains("release it");
        String header = md.substring(0, md.indexOf("## Last attempt"));
        assertThat(header).as("the gates ran in the attempt, not 'none'").doesNotContain("## Gates");
        assertThat(md.substring(md.indexOf("## Last attempt"))).contains("\n### Fix the docs\n")
                .contains("\n#### Gates\n").contains("| Outcome | **Failed (INFRASTRUCTURE)** |")
                .contains("```\n# not a heading\n```");
    }

    @Test
    void discardedSaysWhoDiscardedItAndWhyItWasQuarantined() {
        PatchView v = view(PatchStatus.DISCARDED, "INFRASTRUCTURE: disk gone", "var/summaries/main/p1.md", null,
                "Submitted", "submitted", "Dispatched", "dispatched, attempt 1", "Quarantined",
                "quarantined after 1 attempt: INFRASTRUCTURE: disk gone", "Discarded", "discarded by http:ops");

        assertThat(TerminalSummary.render(v, null)).contains("| Outcome | **Discarded** |")
                .contains("Discarded by http:ops. It had been quarantined: INFRASTRUCTURE: disk gone.")
                .contains("does not run again").doesNotContain("## Last attempt");
    }

    @Test
    void outcomesAWorkerSummarisedAreNotRendered() {
        PatchView succeeded = view(PatchStatus.SUCCEEDED, null, "var/summaries/main/p1.md", null,
                "Submitted", "submitted", "Dispatched", "dispatched, attempt 1", "Succeeded", "committed");
        PatchView stoppedWhileRunning = view(PatchStatus.CANCELLED, "stopped", "var/summaries/main/p1.md", null,
                "Submitted", "submitted", "Dispatched", "dispatched, attempt 1", "Cancelled", "cancelled by http:ops");
        PatchView queued = view(PatchStatus.QUEUED, null, null, null, "Submitted", "submitted", "Queued", "queued");
        PatchView failedWithoutFile = view(PatchStatus.FAILED, "GATE_FAILED: unit", null, null,
                "Submitted", "submitted", "Dispatched", "dispatched, attempt 1", "Failed", "attempt 1 failed");

        assertThat(TerminalSummary.rendersFor(succeeded)).isFalse();
        assertThat(TerminalSummary.rendersFor(stoppedWhileRunning)).isFalse();
        assertThat(TerminalSummary.rendersFor(queued)).isFalse();
        assertThat(TerminalSummary.rendersFor(failedWithoutFile)).isFalse();
        assertThatThrownBy(() -> TerminalSummary.render(queued, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Queued");
    }
}
