package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.drift;
import static io.patchbay.watchdog.EventLog.failed;
import static io.patchbay.watchdog.EventLog.quarantined;
import static io.patchbay.watchdog.EventLog.rejected;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static io.patchbay.watchdog.EventLog.unfrozen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Latency;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.work.FailureClass;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomeViewsTest {

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

    private Outcomes lastHour(String domain) {
        return t.views.outcomes(domain, log.now().minus(Duration.ofHours(1)), log.now().plusMillis(1));
    }

    @Test
    void countsEndingsWithFailureClassesLatencyPercentilesSuccessRateAndMeanScore() {
        t.pipe(log.run("main", "a", Duration.ofSeconds(5), succeeded(1, "c1", 0.9)));
        t.pipe(log.run("main", "b", Duration.ofSeconds(15), succeeded(1, "c2", 0.7)));
        t.pipe(log.run("main", "c", Duration.ofSeconds(25), failed(1, FailureClass.GATE_FAILED, "unit failed", 0.2)));
        t.pipe(log.run("main", "d", Duration.ofSeconds(35), failed(1, FailureClass.GATE_FAILED, "unit failed")));
        t.pipe(log.run("main", "e", Duration.ofSeconds(95), failed(1, FailureClass.TIMEOUT, "gate ran past 90s")));
        t.pipe(log.next("main", "f", submitted("f", "main", "denied")), log.next("main", "f", rejected("denied")));

        Outcomes o = lastHour("main");

        assertThat(o.succeeded()).isEqualTo(2);
        assertThat(o.failed()).isEqualTo(3);
        assertThat(o.rejected()).isEqualTo(1);
        assertThat(o.failuresByClass()).isEqualTo(Map.of("GATE_FAILED", 2L, "TIMEOUT", 1L));
        // submission → end: took + 5 s; the rejection is not a run and is not measured.
        assertThat(o.latency()).isEqualTo(new Latency(5, 30_000, 100_000, 100_000, 100_000));
        assertThat(o.successRate()).isCloseTo(0.4, within(1e-9));
        // Only the outcomes that carry a score count towards the mean; none is made up for the others.
        assertThat(o.scored()).isEqualTo(3);
        assertThat(o.meanScore()).isCloseTo(0.6, within(1e-9));
        assertThat(o.total()).isEqualTo(6);
    }

    @Test
    void windowsLeaveOutWhatEndedBeforeThem() {
        t.pipe(log.run("main", "old", Duration.ZERO, succeeded(1, "c1")));
        log.advance(Duration.ofHours(2));
        t.pipe(log.run("main", "new", Duration.ZERO, failed(1, FailureClass.COMMAND_FAILED, "exit 2")));

        Outcomes hour = lastHour("main");
        Outcomes day = t.views.outcomes("main", log.now().minus(Duration.ofDays(1)), log.now().plusMillis(1));

        assertThat(hour.succeeded()).isZero();
        assertThat(hour.failed()).isEqualTo(1);
        assertThat(hour.successRate()).isZero();
        assertThat(day.succeeded()).isEqualTo(1);
        assertThat(day.failed()).isEqualTo(1);
        assertThat(day.meanScore()).isNull();
        assertThat(t.views.outcomes("ops", T0, log.now())).isEqualTo(Outcomes.none(T0, log.now()));
    }

    @Test
    void outcomesPastTheRetentionAreDroppedAsTheLogMovesOn() {
        t.pipe(log.run("main", "ancient", Duration.ZERO, succeeded(1, "c1")));
        log.advance(EventFoldProcessor.OUTCOME_RETENTION.plusHours(1));
        t.pipe(log.run("main", "recent", Duration.ZERO, succeeded(1, "c2")));

        var all = t.views.outcomes("main", Instant.EPOCH, log.now().plusMillis(1));

        assertThat(all.succeeded()).isEqualTo(1);
        assertThat(t.storeSize(WatchdogTopology.OUTCOMES)).isEqualTo(1);
    }

    @Test
    void quarantineListsHeldPatchesLongestHeldFirstUntilReleased() {
        t.pipe(log.run("main", "q1", Duration.ZERO, quarantined(3)));
        t.pipe(log.run("ops", "q2", Duration.ZERO, quarantined(3)));
        t.pipe(log.run("main", "q3", Duration.ZERO, quarantined(3)));

        assertThat(t.views.quarantine(null, 10)).extracting(PatchView::id).containsExactly("q1", "q2", "q3");
        assertThat(t.views.quarantine("main", 10)).extracting(PatchView::id).containsExactly("q1", "q3");
        assertThat(t.views.quarantine(null, 2)).extracting(PatchView::id).containsExactly("q1", "q2");

        t.pipe(log.next("main", "q1", new EventBody.Released(EventLog.OPS)));

        assertThat(t.views.quarantine("main", 10)).extracting(PatchView::id).containsExactly("q3");
        assertThat(t.views.quarantine("main", 10).get(0).status()).isEqualTo(PatchStatus.QUARANTINED);
        assertThat(lastHour("main").quarantined()).isEqualTo(2);
    }

    @Test
    void driftFreezesTheDomainUntilItIsUnfrozen() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")));
        Event found = log.next("main", null, drift("3f2a9c0d", "77aa0b1c"));
        t.pipe(found);

        Freeze f = t.views.freeze("main").orElseThrow();
        assertThat(f).isEqualTo(new Freeze("main", found.at(), 2, "3f2a9c0d", "77aa0b1c",
                "README.md modified outside patchbay"));
        assertThat(t.views.freeze("ops")).isEmpty();
        var d = t.views.domains().get(0);
        assertThat(d.lastSeq()).isEqualTo(2);
        assertThat(d.headHash()).isEqualTo(found.hash());
        assertThat(d.queueDepth()).isEqualTo(1);

        t.pipe(log.next("main", null, unfrozen("adopt")));

        assertThat(t.views.freeze("main")).isEmpty();
        assertThat(t.views.domains().get(0).lastSeq()).isEqualTo(3);
    }
}
