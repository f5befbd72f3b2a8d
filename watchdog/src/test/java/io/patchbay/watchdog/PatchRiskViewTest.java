package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.accepted;
import static io.patchbay.watchdog.EventLog.queued;
import static io.patchbay.watchdog.EventLog.submitted;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The patch status names the effective risk level and the rule that set it, as the Accepted event recorded them. */
class PatchRiskViewTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path stateDir;

    private ViewsTestDriver t;
    private EventLog log;

    @BeforeEach
    void startDriver() {
        t = new ViewsTestDriver(WatchdogTopology.build(Clock.fixed(T0, ZoneOffset.UTC)), stateDir, false);
        log = new EventLog(T0);
    }

    @AfterEach
    void closeDriver() {
        t.close();
    }

    private PatchView patch(String id) {
        return t.views.patch(id).orElseThrow(() -> new AssertionError("no view of patch " + id));
    }

    @Test
    void theStatusShowsTheLevelAndTheRuleThatSetIt() {
        var noRisk = new Patch("ci", "main", "Build on tags", null, null, "--- a/.github/x\n+++ b/.github/x\n", null, null,
                null, null);
        t.pipe(log.next("main", "ci", new EventBody.Submitted(noRisk, EventLog.ALICE)));
        assertThat(patch("ci").risk()).as("no level before the contract judged the patch").isNull();

        t.pipe(log.next("main", "ci", new EventBody.Accepted("2026.11.1", "c0ffee", Risk.HIGH, "CI workflows")),
                log.next("main", "ci", new EventBody.AwaitingApproval(
                        "high-risk patches in domain 'main' need 1 approval (risk high, by the contract's rule 'CI workflows')", 1)),
                log.next("main", "ci", new EventBody.Approved(EventLog.OPS)),
                log.next("main", "ci", queued(1)));

        PatchView p = patch("ci");
        assertThat(p.status()).isEqualTo(PatchStatus.QUEUED);
        assertThat(p.risk()).isEqualTo(Risk.HIGH);
        assertThat(p.riskRule()).isEqualTo("CI workflows");
        assertThat(p.timeline().get(1).detail())
                .isEqualTo("allowed by contract 2026.11.1; risk high, by the contract's rule 'CI workflows'");

        // GET /v1/patches/{id} answers the view as JSON.
        JsonNode json = Json.read(Json.canonical(p), JsonNode.class);
        assertThat(json.path("risk").asText()).isEqualTo("high");
        assertThat(json.path("riskRule").asText()).isEqualTo("CI workflows");
    }

    @Test
    void theSubmittersAndTheDefaultLevelAreNamedSo() {
        t.pipe(log.next("main", "s", submitted("s", "main", "Stated")),
                log.next("main", "s", new EventBody.Accepted("2026.11.1", "c0ffee", Risk.MEDIUM, "submitter")),
                log.next("main", "d", submitted("d", "main", "Unstated")),
                log.next("main", "d", new EventBody.Accepted("2026.11.1", "c0ffee", Risk.LOW, "default")));

        assertThat(patch("s").timeline().get(1).detail()).endsWith("risk medium, as the submitter stated");
        assertThat(patch("d").risk()).isEqualTo(Risk.LOW);
        assertThat(patch("d").riskRule()).isEqualTo("default");
    }

    @Test
    void anAcceptedEventFromBeforeRiskRulesShowsNoLevel() {
        t.pipe(log.next("main", "old", submitted("old", "main", "Old")), log.next("main", "old", accepted()));

        PatchView p = patch("old");
        assertThat(p.risk()).isNull();
        assertThat(p.riskRule()).isNull();
        assertThat(p.timeline().get(1).detail()).isEqualTo("allowed by contract 2026.11.1");
        assertThat(Json.canonical(p)).doesNotContain("risk");
    }
}
