package io.patchbay.ingest.slack;

import static io.patchbay.ingest.slack.SlackMessages.esc;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Digest;
import io.patchbay.contracts.view.Outcomes;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The digest as a Slack message. Each domain's chain head (seq and full hash) is in it, so the
 * channel keeps a witness of the log that patchbay itself cannot rewrite.
 */
final class DigestText {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private DigestText() {}

    static String of(Digest d) {
        var md = new StringBuilder();
        md.append(":clipboard: *patchbay digest* ").append(WHEN.format(d.since())).append(" to ")
                .append(WHEN.format(d.until()));
        if (d.domains().isEmpty()) {
            return md.append("\nNo domain has events yet.").toString();
        }
        for (Digest.Domain dom : d.domains()) {
            md.append("\n\n*").append(esc(dom.domain())).append("*")
                    .append(dom.frozen() ? "  :snowflake: frozen, patches wait until it is unfrozen" : "").append('\n');
            md.append(outcomes(dom.outcomes())).append('\n');
            md.append("now: ").append(dom.queueDepth()).append(" queued, ").append(dom.inFlight()).append(" running, ")
                    .append(dom.quarantined()).append(" quarantined\n");
            if (!dom.slaBreaches().isEmpty()) {
                md.append(":warning: ").append(dom.slaBreaches().size()).append(" SLA breach(es): ")
                        .append(dom.slaBreaches().stream().map(DigestText::breach).distinct()
                                .collect(Collectors.joining(", "))).append('\n');
            }
            md.append("chain head #").append(dom.lastSeq()).append(" `").append(esc(dom.headHash())).append('`');
        }
        return md.toString();
    }

    private static String outcomes(Outcomes o) {
        var s = new StringBuilder();
        s.append(o.succeeded()).append(" succeeded, ").append(o.failed()).append(" failed, ").append(o.rejected())
                .append(" rejected, ").append(o.cancelled()).append(" cancelled, ").append(o.quarantined())
                .append(" quarantined");
        if (o.successRate() != null) {
            s.append(String.format(Locale.ROOT, "; success rate %.0f%%", o.successRate() * 100));
        }
        if (o.meanScore() != null) {
            s.append(String.format(Locale.ROOT, "; mean rubric score %.2f over %d", o.meanScore(), o.scored()));
        }
        if (!o.failuresByClass().isEmpty()) {
            s.append("\nfailures: ").append(o.failuresByClass().entrySet().stream()
                    .map(e -> esc(e.getKey()) + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    private static String breach(Alert a) {
        return esc(a.limit() == null ? a.kind() : a.limit());
    }
}
