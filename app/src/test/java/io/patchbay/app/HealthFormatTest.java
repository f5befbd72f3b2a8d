package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthFormatTest {

    private static final String REPORT = """
            {"status":"degraded","reasons":["ops: 61 patches wait, more than the limit of 50"],
             "services":{"kafka":true,"decider":true,"worker":false},
             "domains":{
               "main":{"queueDepth":0,"inFlight":1,"awaitingApproval":0,"quarantined":0,"succeeded":1204,
                       "failed":3,"rejected":12,"cancelled":0,"oldestPendingAgeSeconds":null,"frozen":false,
                       "slaBreaches":[]},
               "ops":{"queueDepth":61,"inFlight":0,"awaitingApproval":2,"quarantined":1,"succeeded":7,
                      "failed":0,"rejected":0,"cancelled":1,"oldestPendingAgeSeconds":185,"frozen":true,
                      "slaBreaches":["sla.queueDepth"]}},
             "checkedAt":"2026-11-28T10:00:00Z"}
            """;

    @Test
    void domainsInAlignedColumnsUnderTheOverallStateAndItsReasons() throws Exception {
        List<String> lines = new HealthFormat(Style.PLAIN).render(Json.mapper().readTree(REPORT));

        assertThat(lines).containsExactly(
                "patchbay is degraded",
                "  - ops: 61 patches wait, more than the limit of 50",
                "services: kafka up, decider up, worker DOWN",
                "",
                "DOMAIN  QUEUED  RUNNING  APPROVAL  QUARANTINED  SUCCEEDED  FAILED  REJECTED  CANCELLED  OLDEST PENDING  NOTES",
                "main         0        1         0            0       1204       3        12          0               -",
                "ops         61        0         2            1          7       0         0          1        3 m 05 s  frozen, SLA sla.queueDepth");
    }

    @Test
    void colouredCellsKeepTheirColumns() throws Exception {
        List<String> plain = new HealthFormat(Style.PLAIN).render(Json.mapper().readTree(REPORT));
        List<String> coloured = new HealthFormat(new Style(true)).render(Json.mapper().readTree(REPORT));

        assertThat(coloured.get(0)).contains("\u001b[");
        assertThat(coloured.stream().map(l -> l.replaceAll("\u001b\\[[0-9;]*m", "")).toList()).isEqualTo(plain);
    }
}
