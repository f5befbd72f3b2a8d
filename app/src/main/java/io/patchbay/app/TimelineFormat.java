package io.patchbay.app;

import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A patch's status as a person reads it: a header, one line per event with its time of day and
 * how long after the submission it came, and a closing line with the outcome and the total time.
 * Each line stands alone so that a follower can print the events as they arrive.
 */
final class TimelineFormat {

    /** Wide enough for every event type but {@code RejectedByApprover}, which simply sticks out. */
    private static final int TYPE_WIDTH = 16;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.ROOT);

    private final Style style;
    private final ZoneId zone;

    TimelineFormat(Style style, ZoneId zone) {
        this.style = style;
        this.zone = zone;
    }

    /** Who, what and where, before the first event. */
    List<String> header(PatchView v) {
        var lines = new ArrayList<String>();
        lines.add(style.bold("patch " + v.id()));
        var about = new StringBuilder("  ");
        about.append(v.title() == null ? "untitled" : "\"" + v.title() + "\"");
        about.append(" · domain ").append(v.domain());
        if (v.submitter() != null) {
            about.append(" · by ").append(v.submitter());
        }
        if (v.risk() != null) {
            about.append(" · risk ").append(v.risk().name().toLowerCase(Locale.ROOT));
        }
        lines.add(about.toString());
        if (v.submittedAt() != null) {
            lines.add(style.dim("  submitted " + DATE_TIME.format(v.submittedAt().atZone(zone))));
        }
        return lines;
    }

    /** One event: {@code 11:02:03  +1.2 s  Started  attempt 1 started on worker-a}. */
    String entry(TimelineEntry e, Instant start) {
        String time = e.at() == null ? "--:--:--" : TIME.format(e.at().atZone(zone));
        String after = e.at() == null || start == null ? "" : "+" + human(Duration.between(start, e.at()));
        String type = e.type() == null ? "?" : e.type();
        String padded = type + " ".repeat(Math.max(1, TYPE_WIDTH - type.length() + 1));
        String detail = e.detail() == null ? "" : e.detail();
        return "  " + style.dim(time) + "  " + pad(after, 9) + "  " + style.event(type) + padded.substring(type.length())
                + detail;
    }

    /** The outcome: how the patch ended and how long it took, or where it is and for how long so far. */
    List<String> ending(PatchView v, Instant now) {
        var lines = new ArrayList<String>();
        PatchStatus status = v.status();
        Instant start = v.submittedAt();
        if (status != null && status.terminal()) {
            Instant end = v.updatedAt() == null ? now : v.updatedAt();
            var line = new StringBuilder(style.status(status));
            if (start != null) {
                line.append(" after ").append(human(Duration.between(start, end)));
            }
            if (v.commitId() != null) {
                line.append(" · commit ").append(v.commitId(), 0, Math.min(12, v.commitId().length()));
            }
            lines.add(line.toString());
            String lastDetail = v.timeline().isEmpty() ? "" : String.valueOf(v.timeline().get(v.timeline().size() - 1).detail());
            if (v.reason() != null && status != PatchStatus.SUCCEEDED && !lastDetail.contains(v.reason())) {
                lines.add("  " + style.bad("why: ") + v.reason());
            }
            if (v.summaryPath() != null) {
                lines.add(style.dim("  summary: " + v.summaryPath()));
            }
        } else {
            String label = status == null ? "unknown" : style.status(status);
            lines.add(label + (start == null ? "" : " for " + human(Duration.between(start, now)) + " so far"));
        }
        return lines;
    }

    /** The whole status at once, as {@code patchbay status <id>} prints it. */
    List<String> render(PatchView v, Instant now) {
        var lines = new ArrayList<>(header(v));
        Instant start = v.submittedAt() != null ? v.submittedAt()
                : v.timeline().isEmpty() ? null : v.timeline().get(0).at();
        v.timeline().forEach(e -> lines.add(entry(e, start)));
        lines.addAll(ending(v, now));
        return lines;
    }

    /** A duration as a person says it: {@code 120 ms}, {@code 4.2 s}, {@code 3 m 05 s}, {@code 2 h 03 m}. */
    static String human(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d m %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d m", s / 3600, s % 3600 / 60);
    }

    private static String pad(String text, int width) {
        return " ".repeat(Math.max(0, width - text.length())) + text;
    }
}
