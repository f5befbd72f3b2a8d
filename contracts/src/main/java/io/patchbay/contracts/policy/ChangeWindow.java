package io.patchbay.contracts.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A weekly change window in a time zone: {@code {days: [mon-fri], from: "09:00", to: "17:00",
 * zone: "Europe/Berlin"}}. A window whose {@code to} is not after its {@code from} runs over
 * midnight into the next day; {@code days} name the day it opens on. Daylight-saving gaps move an
 * opening to the first valid instant, as {@link ZonedDateTime} does.
 */
public record ChangeWindow(List<String> days, String from, String to, String zone) {

    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    public ChangeWindow {
        days = days == null ? List.of("mon-sun") : List.copyOf(days);
        from = from == null ? "00:00" : from;
        to = to == null ? "24:00" : to;
        zone = zone == null ? "UTC" : zone;
    }

    /** Checks the values; returns a sentence about the first bad one, or empty when all are good. */
    public Optional<String> problem() {
        try {
            dayOfWeeks();
            fromTime();
            zoneId();
            if (!to.equals("24:00")) {
                LocalTime.parse(to);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getMessage());
        }
    }

    @JsonIgnore
    public Set<DayOfWeek> dayOfWeeks() {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String d : days) {
            String[] range = d.trim().toLowerCase(Locale.ROOT).split("-", -1);
            if (range.length > 2) {
                throw new IllegalArgumentException("'" + d + "' is not a day or a range of days such as mon-fri");
            }
            int a = day(range[0], d);
            int b = range.length == 2 ? day(range[1], d) : a;
            // "fri-mon" wraps over the weekend.
            for (int i = a; ; i = (i + 1) % 7) {
                out.add(DayOfWeek.of(i + 1));
                if (i == b) {
                    break;
                }
            }
        }
        return out;
    }

    private static int day(String name, String whole) {
        int i = DAY_NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("'" + whole + "' is not a day; use mon, tue, wed, thu, fri, sat, sun or a"
                    + " range such as mon-fri");
        }
        return i;
    }

    private LocalTime fromTime() {
        return LocalTime.parse(from);
    }

    @JsonIgnore
    public ZoneId zoneId() {
        try {
            return ZoneId.of(zone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + zone + "' is not a time zone; use a name such as Europe/Berlin or UTC");
        }
    }

    /** The span of the window that opens on {@code date}, as [open, close). */
    private Instant[] span(LocalDate date) {
        ZoneId z = zoneId();
        ZonedDateTime open = ZonedDateTime.of(date, fromTime(), z);
        ZonedDateTime close;
        if (to.equals("24:00")) {
            close = date.plusDays(1).atStartOfDay(z);
        } else {
            LocalTime t = LocalTime.parse(to);
            close = ZonedDateTime.of(t.isAfter(fromTime()) ? date : date.plusDays(1), t, z);
        }
        return new Instant[] {open.toInstant(), close.toInstant()};
    }

    /** Whether the window is open at {@code now}. */
    public boolean isOpen(Instant now) {
        LocalDate today = now.atZone(zoneId()).toLocalDate();
        Set<DayOfWeek> open = dayOfWeeks();
        // A window opened yesterday may run over midnight into today.
        for (LocalDate d : List.of(today.minusDays(1), today)) {
            if (open.contains(d.getDayOfWeek())) {
                Instant[] s = span(d);
                if (!now.isBefore(s[0]) && now.isBefore(s[1])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first instant at or after {@code now} when the window is open; empty if it never opens. */
    public Optional<Instant> nextOpening(Instant now) {
        if (isOpen(now)) {
            return Optional.of(now);
        }
        Set<DayOfWeek> open = dayOfWeeks();
        LocalDate today = now.atZone(zoneId()).toLocalDate();
        for (int i = 0; i <= 8; i++) {
            LocalDate d = today.plusDays(i);
            if (open.contains(d.getDayOfWeek())) {
                Instant[] s = span(d);
                if (s[0].isAfter(now) && s[1].isAfter(s[0])) {
                    return Optional.of(s[0]);
                }
            }
        }
        return Optional.empty();
    }
}
