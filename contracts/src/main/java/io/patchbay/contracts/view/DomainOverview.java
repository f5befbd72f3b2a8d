package io.patchbay.contracts.view;

import java.util.List;

/**
 * Everything an operator looks at for one domain: its current figures, whether it is frozen and
 * why, the SLA limits it breaches now (the open SlaBreached alerts), and how its patches ended over
 * the last hour and the last day.
 */
public record DomainOverview(
        String domain,
        boolean frozen,
        DomainView figures,
        Freeze freeze,
        List<Alert> slaBreaches,
        Outcomes lastHour,
        Outcomes lastDay) {

    public DomainOverview {
        slaBreaches = slaBreaches == null ? List.of() : List.copyOf(slaBreaches);
    }
}
