package io.patchbay.contracts.view;

import java.time.Instant;
import java.util.List;

/** An alert on {@code patchbay.alerts}, keyed by domain: an SLA breach or recovery, a stuck patch, drift. */
public record Alert(String domain, String kind, String limit, String value, List<String> patchIds, Instant at,
        String message) {}
