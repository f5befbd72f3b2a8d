package io.patchbay.health;

import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code GET /health} answers: an overall status, the sentences that explain it, each
 * service's state, whether each service's input is being processed ({@code progress}: false while a
 * partition of it has waited beyond its bound) and each domain's figures.
 */
public record HealthReport(
        Status status,
        List<String> reasons,
        Map<String, Boolean> services,
        Map<String, Boolean> progress,
        Map<String, Map<String, Object>> domains,
        Instant checkedAt) {

    public enum Status {
        HEALTHY, DEGRADED, UNHEALTHY;

        @JsonValue
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HealthReport {
        reasons = List.copyOf(reasons);
        services = Map.copyOf(services);
        progress = Map.copyOf(progress);
        domains = Map.copyOf(domains);
    }

    /** The HTTP status the report is served with: 503 only when a part of patchbay is down or makes no progress. */
    public int httpStatus() {
        return status == Status.UNHEALTHY ? 503 : 200;
    }
}
