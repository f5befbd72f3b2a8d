package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeWindowTest {

    private static final ChangeWindow OFFICE = new ChangeWindow(List.of("mon-fri"), "09:00", "17:00", "Europe/Berlin");
    private static final ChangeWindow NIGHT = new ChangeWindow(List.of("sat"), "22:00", "04:00", "America/New_York");

    @Test
    void isOpenInsideItsHoursInItsZone() {
        // Tuesday 08:30 UTC is 09:30 in Berlin.
        assertThat(OFFICE.isOpen(Instant.parse("2026-11-24T08:30:00Z"))).isTrue();
        assertThat(OFFICE.isOpen(Instant.parse("2026-11-24T07:59:59Z"))).isFalse();
        // The end is exclusive: 17:00 Berlin is 16:00 UTC.
        assertThat(OFFICE.isOpen(Instant.parse("2026-11-24T15:59:59Z"))).isTrue();
        assertThat(OFFICE.isOpen(Instant.parse("2026-11-24T16:00:00Z"))).isFalse();
        // Saturday.
        assertThat(OFFICE.isOpen(Instant.parse("2026-11-28T10:00:00Z"))).isFalse();
    }

    @Test
    void nextOpeningIsNowWhenOpenAndTheNextStartOtherwise() {
        Instant open = Instant.parse("2026-11-24T10:00:00Z");
        assertThat(OFFICE.nextOpening(open)).contains(open);
        assertThat(OFFICE.nextOpening(Instant.parse("2026-11-24T16:30:00Z")))
                .contains(Instant.parse("2026-11-25T08:00:00Z"));
        // From Friday evening over the weekend to Monday morning.
        assertThat(OFFICE.nextOpening(Instant.parse("2026-11-27T18:00:00Z")))
                .contains(Instant.parse("2026-11-30T08:00:00Z"));
    }

    @Test
    void aWindowEndingBeforeItStartsRunsOverMidnight() {
        // Saturday 22:00 in New York is Sunday 03:00 UTC (EST, UTC-5).
        assertThat(NIGHT.isOpen(Instant.parse("2026-11-29T03:30:00Z"))).isTrue();
        // Sunday 03:59 New York: still the Saturday window.
        assertThat(NIGHT.isOpen(Instant.parse("2026-11-29T08:59:00Z"))).isTrue();
        assertThat(NIGHT.isOpen(Instant.parse("2026-11-29T09:00:00Z"))).isFalse();
        assertThat(NIGHT.nextOpening(Instant.parse("2026-11-29T09:00:00Z")))
                .contains(Instant.parse("2026-12-06T03:00:00Z"));
    }

    @Test
    void followsDaylightSavingTime() {
        // Berlin moves to summer time on 2027-03-28: 09:00 is then 07:00 UTC, not 08:00.
        assertThat(OFFICE.nextOpening(Instant.parse("2027-03-26T17:00:00Z")))
                .contains(Instant.parse("2027-03-29T07:00:00Z"));
    }

    @Test
    void dayRangesMayWrapOverTheWeekend() {
        var w = new ChangeWindow(List.of("fri-mon", "wed"), "00:00", "24:00", "UTC");
        assertThat(w.dayOfWeeks()).containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY,
                DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY);
        assertThat(w.isOpen(Instant.parse("2026-11-29T23:59:59Z"))).isTrue();
        assertThat(w.isOpen(Instant.parse("2026-11-24T12:00:00Z"))).isFalse();
    }

    @Test
    void theEarliestOfSeveralWindowsWins() {
        Instant saturdayNoonUtc = Instant.parse("2026-11-28T12:00:00Z");
        assertThat(Holds.nextOpening(List.of(OFFICE, NIGHT), saturdayNoonUtc))
                .contains(Instant.parse("2026-11-29T03:00:00Z"));
        assertThat(Holds.nextOpening(List.of(), saturdayNoonUtc)).contains(saturdayNoonUtc);
    }

    @Test
    void namesWhatIsWrongWithABadWindow() {
        assertThat(new ChangeWindow(List.of("mon"), "09:00", "17:00", "Mars/Olympus").problem()).get().asString()
                .contains("not a time zone");
        assertThat(new ChangeWindow(List.of("monday"), "09:00", "17:00", "UTC").problem()).get().asString()
                .contains("not a day");
        assertThat(OFFICE.problem()).isEmpty();
    }
}
