package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health} as a person reads it: the overall state and why, the services, and one row
 * per domain in aligned columns.
 */
final class HealthFormat {

    /** Column heading → field of a domain's figures in the health report. */
    private static final Map<String, String> COUNTS = orderedCounts();

    private final Style style;

    HealthFormat(Style style) {
        this.style = style;
    }

    private static Map<String, String> orderedCounts() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("QUEUED", "queueDepth");
        m.put("RUNNING", "inFlight");
        m.put("APPROVAL", "awaitingApproval");
        m.put("QUARANTINED", "quarantined");
        m.put("SUCCEEDED", "succeeded");
        m.put("FAILED", "failed");
        m.put("REJECTED", "rejected");
        m.put("CANCELLED", "cancelled");
        return m;
    }

    List<String> render(JsonNode report) {
        var lines = new ArrayList<String>();
        String state = report.path("status").asText("unknown");
        lines.add("patchbay is " + style.health(state));
        report.path("reasons").forEach(r -> lines.add("  - " + r.asText()));
        var services = new ArrayList<String>();
        report.path("services").fields().forEachRemaining(s ->
                services.add(s.getKey() + (s.getValue().asBoolean() ? " up" : " " + style.bad("DOWN"))));
        if (!services.isEmpty()) {
            lines.add("services: " + String.join(", ", services));
        }
        lines.add("");
        var header = new ArrayList<String>();
        header.add("DOMAIN");
        header.addAll(COUNTS.keySet());
        header.add("OLDEST PENDING");
        header.add("NOTES");
        var rows = new ArrayList<List<String>>();
        report.path("domains").fields().forEachRemaining(d -> {
            JsonNode f = d.getValue();
            var row = new ArrayList<String>();
            row.add(d.getKey());
            COUNTS.values().forEach(field -> row.add(String.valueOf(f.path(field).asLong())));
            JsonNode age = f.path("oldestPendingAgeSeconds");
            row.add(age.isNumber() ? TimelineFormat.human(java.time.Duration.ofSeconds(age.asLong())) : "-");
            var notes = new ArrayList<String>();
            if (f.path("frozen").asBoolean()) {
                notes.add("frozen");
            }
            f.path("slaBreaches").forEach(b -> notes.add("SLA " + b.asText()));
            row.add(String.join(", ", notes));
            rows.add(row);
        });
        lines.addAll(Columns.align(header, rows, column -> column > 0 && column <= COUNTS.size() + 1,
                (column, cell) -> column == header.size() - 1 && !cell.isBlank() ? style.bad(cell) : cell));
        return lines;
    }
}
