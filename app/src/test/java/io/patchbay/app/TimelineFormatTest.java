package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineFormatTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:02:03.100Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static PatchView view(PatchStatus status, String reason, String commit, TimelineEntry... entries) {
        List<TimelineEntry> timeline = List.of(entries);
        return new PatchView("abc123", "main", "Add notes", status, "http:ci", T0,
                timeline.get(timeline.size() - 1).at(), commit, null, reason, timeline, Risk.LOW, "default");
    }

    private static TimelineEntry at(long seq, String type, long millisAfter, String detail) {
        return new TimelineEntry(seq, type, T0.plusMillis(millisAfter), detail);
    }

    @Test
    void readableTimelineShowsLocalTimesTimeSinceSubmissionAndTheOutcome() {
        PatchView v = view(PatchStatus.SUCCEEDED, null, "1a2b3c4d5e6f7a8b9c0d",
                at(1, "Submitted", 0, "submitted \"Add notes\" by http:ci"),
                at(2, "Accepted", 60, "allowed by contract 7"),
                at(3, "GateFinished", 2_400, "gate unit passed in 2100 ms"),
                at(4, "Succeeded", 2_700, "committed 1a2b3c4d5e6f, 1 file changed in 2500 ms"));

        List<String> lines = new TimelineFormat(Style.PLAIN, BERLIN).render(v, T0.plusSeconds(60));

        assertThat(lines).containsExactly(
                "patch abc123",
                "  \"Add notes\" · domain main · by http:ci · risk low",
                "  submitted 2026-11-28 11:02:03 CET",
                "  11:02:03      +0 ms  Submitted        submitted \"Add notes\" by http:ci",
                "  11:02:03     +60 ms  Accepted         allowed by contract 7",
                "  11:02:05     +2.4 s  GateFinished     gate unit passed in 2100 ms",
                "  11:02:05     +2.7 s  Succeeded        committed 1a2b3c4d5e6f, 1 file changed in 2500 ms",
                "Succeeded after 2.7 s · commit 1a2b3c4d5e6f");
    }

    @Test
    void failedPatchSaysWhy() {
        PatchView v = view(PatchStatus.REJECTED, "PATH_DENIED: secrets/x is denied", null,
                at(1, "Submitted", 0, "submitted"), at(2, "Rejected", 90, "rejected by contract 7"));

        List<String> ending = new TimelineFormat(Style.PLAIN, BERLIN).ending(v, T0.plusSeconds(5));

        assertThat(ending).containsExactly("Rejected after 90 ms", "  why: PATH_DENIED: secrets/x is denied");
    }

    @Test
    void reasonTheLastEventAlreadySaysIsNotRepeated() {
        PatchView v = view(PatchStatus.REJECTED, "secrets/x is denied", null,
                at(1, "Submitted", 0, "submitted"), at(2, "Rejected", 90, "rejected by contract 7: secrets/x is denied"));

        assertThat(new TimelineFormat(Style.PLAIN, BERLIN).ending(v, T0)).containsExactly("Rejected after 90 ms");
    }

    @Test
    void patchStillRunningSaysForHowLongSoFar() {
        PatchView v = view(PatchStatus.RUNNING, null, null, at(1, "Submitted", 0, "submitted"),
                at(2, "Started", 500, "attempt 1 started"));

        assertThat(new TimelineFormat(Style.PLAIN, BERLIN).ending(v, T0.plusSeconds(75)))
                .containsExactly("Running for 1 m 15 s so far");
    }

    @Test
    void colourWrapsTheStatusWithoutMovingTheColumns() {
        TimelineEntry e = at(4, "Failed", 1_000, "attempt 1 failed: gate unit failed");
        String plain = new TimelineFormat(Style.PLAIN, BERLIN).entry(e, T0);
        String coloured = new TimelineFormat(new Style(true), BERLIN).entry(e, T0);

        assertThat(coloured).contains("\u001b[31mFailed\u001b[0m");
        assertThat(coloured.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo(plain);
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(TimelineFormat.human(Duration.ofMillis(120))).isEqualTo("120 ms");
        assertThat(TimelineFormat.human(Duration.ofMillis(4_249))).isEqualTo("4.2 s");
        assertThat(TimelineFormat.human(Duration.ofSeconds(185))).isEqualTo("3 m 05 s");
        assertThat(TimelineFormat.human(Duration.ofMinutes(123))).isEqualTo("2 h 03 m");
    }
}
