package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.accepted;
import static io.patchbay.watchdog.EventLog.dispatched;
import static io.patchbay.watchdog.EventLog.failed;
import static io.patchbay.watchdog.EventLog.quarantined;
import static io.patchbay.watchdog.EventLog.queued;
import static io.patchbay.watchdog.EventLog.started;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.work.FailureClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlaAlertsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration CHECK = Duration.ofSeconds(5);
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
                sla:
                  queueDepth: 1
                  oldestPending: 10m
                  runTime: 2m
                  quarantine: 3
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    @TempDir
    Path stateDir;

    private final MovableClock clock = new MovableClock(T0);
    private ViewsTestDriver t;
    private EventLog log;

    @BeforeEach
    void startDriver() {
        t = new ViewsTestDriver(WatchdogTopology.build(clock, () -> CONTRACT, CHECK), stateDir, true);
        log = new EventLog(T0);
    }

    @AfterEach
    void closeDriver() {
        t.close();
    }

    private void check() {
        t.advanceWallClock(CHECK);
    }

    @Test
    void queueDepthBreachIsSentOnceAndRecoveryWhenTheQueueDrains() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")),
                log.next("main", "p2", submitted("p2", "main", "two")));
        check();
        check();

        List<Alert> breached = t.alerts();
        assertThat(breached).hasSize(1);
        Alert a = breached.get(0);
        assertThat(a.domain()).isEqualTo("main");
        assertThat(a.kind()).isEqualTo("SlaBreached");
        assertThat(a.limit()).isEqualTo("sla.queueDepth=1");
        assertThat(a.value()).isEqualTo("2");
        assertThat(a.at()).isEqualTo(T0);
        assertThat(a.patchIds()).containsExactly("p1", "p2");

        t.pipe(log.next("main", "p1", accepted()), log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)));
        check();
        check();

        List<Alert> recovered = t.alerts();
        assertThat(recovered).extracting(Alert::kind).containsExactly("SlaRecovered");
        assertThat(recovered.get(0).limit()).isEqualTo("sla.queueDepth=1");
        assertThat(recovered.get(0).value()).isEqualTo("1");
        assertThat(recovered.get(0).patchIds()).isEmpty();
    }

    @Test
    void driftAndUnfreezeAreToldOnTheAlertsTopicWhenTheyHappen() {
        t.pipe(log.next("main", null, new io.patchbay.contracts.event.EventBody.DriftFound("aaa", "bbb",
                "README.md modified")));
        List<Alert> drift = t.alerts();
        assertThat(drift).extracting(Alert::kind).containsExactly("DriftFound");
        assertThat(drift.get(0).message()).contains("main is frozen").contains("README.md modified");

        t.pipe(log.next("main", null, new io.patchbay.contracts.event.EventBody.DomainUnfrozen("reset", io.patchbay.contracts.command.Submitter.http("ops"))));
        assertThat(t.alerts()).extracting(Alert::kind).containsExactly("Unfrozen");
    }

    @Test
    void driftReadBackFromAnOldLogRaisesNoAlertAgain() {
        EventLog old = new EventLog(T0.minus(Duration.ofHours(2)));
        t.pipe(old.next("main", null, new io.patchbay.contracts.event.EventBody.DriftFound("aaa", "bbb", "x")));
        assertThat(t.alerts()).isEmpty();
        assertThat(t.views.freeze("main")).isPresent();
    }

    @Test
    void breachStaysOpenInTheAlertsViewUntilItsRecovery() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")),
                log.next("main", "p2", submitted("p2", "main", "two")));
        check();

        assertThat(t.views.openBreaches("main")).extracting(Alert::limit).containsExactly("sla.queueDepth=1");
        assertThat(t.views.openBreaches(null)).hasSize(1);
        assertThat(t.views.openBreaches("ops")).isEmpty();

        t.pipe(log.next("main", "p1", new EventBody.Cancelled(EventLog.OPS, "not needed")));
        clock.advance(Duration.ofSeconds(5));
        check();

        assertThat(t.views.openBreaches("main")).isEmpty();
        assertThat(t.views.alerts("main", T0, 10)).extracting(Alert::kind).containsExactly("SlaRecovered", "SlaBreached");
        assertThat(t.views.alerts(null, T0.plusSeconds(1), 10)).extracting(Alert::kind).containsExactly("SlaRecovered");
        assertThat(t.views.alerts("main", T0, 1)).extracting(Alert::kind).containsExactly("SlaRecovered");
    }

    @Test
    void successRateOfTheLastHourBelowTheLimitNamesThePatchesThatFailedAndRecoversAsTheyAgeOut() {
        t.pipe(log.run("main", "ok", Duration.ZERO, succeeded(1, "c1")));
        t.pipe(log.run("main", "bad", Duration.ZERO, failed(1, FailureClass.GATE_FAILED, "unit failed")));
        t.pipe(log.run("main", "held", Duration.ZERO, quarantined(3)));
        clock.advance(Duration.ofMinutes(1));
        check();

        List<Alert> breached = t.alerts();
        assertThat(breached).hasSize(1);
        Alert rate = breached.get(0);
        assertThat(rate.kind()).isEqualTo("SlaBreached");
        assertThat(rate.limit()).isEqualTo("sla.successRate=0.8");
        assertThat(rate.value()).isEqualTo("0.33");
        assertThat(rate.patchIds()).containsExactly("bad", "held");
        assertThat(rate.message()).isEqualTo("main: 1 of 3 patches that ran in the last hour succeeded (33%), below the limit of 80%");

        clock.advance(Duration.ofHours(1));
        check();

        List<Alert> recovered = t.alerts();
        assertThat(recovered).extracting(Alert::kind, Alert::limit).containsExactly(
                org.assertj.core.groups.Tuple.tuple("SlaRecovered", "sla.successRate=0.8"));
        assertThat(recovered.get(0).value()).isEqualTo("none ran");
    }

    @Test
    void quarantineBreachNamesTheHeldPatchesLongestHeldFirst() {
        for (String id : List.of("q1", "q2", "q3", "q4")) {
            t.pipe(log.run("main", id, Duration.ZERO, quarantined(3)));
        }
        clock.advance(Duration.ofMinutes(1));
        check();

        Alert quarantine = t.alerts().stream().filter(a -> a.limit().equals("sla.quarantine=3")).findFirst().orElseThrow();
        assertThat(quarantine.value()).isEqualTo("4");
        assertThat(quarantine.patchIds()).containsExactly("q1", "q2", "q3", "q4");
        assertThat(quarantine.message()).isEqualTo("main: 4 patches in quarantine, more than the limit of 3");
    }

    @Test
    void oldestPendingBreachNamesOnlyThePatchesWaitingPastTheLimit() {
        t.pipe(log.next("main", "early", submitted("early", "main", "one")));
        clock.advance(Duration.ofMinutes(6));
        log.advance(Duration.ofMinutes(6));
        t.pipe(log.next("main", "late", submitted("late", "main", "two")));
        t.pipe(log.next("main", "late", new EventBody.Cancelled(EventLog.OPS, "dup")),
                log.next("main", "late2", submitted("late2", "main", "three")));
        clock.advance(Duration.ofMinutes(5));
        check();

        List<Alert> alerts = t.alerts();
        assertThat(alerts).hasSize(2);
        Alert oldest = alerts.stream().filter(a -> a.limit().startsWith("sla.oldestPending")).findFirst().orElseThrow();
        assertThat(oldest.patchIds()).containsExactly("early");
    }

    @Test
    void oldestPendingBreachFollowsTheClock() {
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")));
        check();
        assertThat(t.alerts()).isEmpty();

        clock.advance(Duration.ofMinutes(11));
        check();

        List<Alert> alerts = t.alerts();
        assertThat(alerts).extracting(Alert::kind).containsExactly("SlaBreached");
        assertThat(alerts.get(0).limit()).isEqualTo("sla.oldestPending=10m");
    }

    @Test
    void runPastTheRunTimeIsReportedStuckOnceNamingThePatch() {
        t.pipe(log.next("main", "slow", submitted("slow", "main", "slow")),
                log.next("main", "slow", accepted()),
                log.next("main", "slow", queued(1)),
                log.next("main", "slow", dispatched(1)),
                log.next("main", "slow", started(1)));
        clock.advance(Duration.ofMinutes(1));
        check();
        assertThat(t.alerts()).isEmpty();

        clock.advance(Duration.ofMinutes(2));
        check();
        check();

        List<Alert> alerts = t.alerts();
        assertThat(alerts).extracting(Alert::kind).containsExactly("Stuck");
        assertThat(alerts.get(0).patchIds()).containsExactly("slow");
        assertThat(alerts.get(0).limit()).isEqualTo("sla.runTime=2m");

        t.pipe(log.next("main", "slow", succeeded(1, "c1")));
        check();
        assertThat(t.alerts()).isEmpty();
    }

    @Test
    void domainsOutsideTheContractRaiseNoAlerts() {
        t.pipe(log.next("legacy", "p1", submitted("p1", "legacy", "one")),
                log.next("legacy", "p2", submitted("p2", "legacy", "two")));
        clock.advance(Duration.ofHours(1));
        check();
        assertThat(t.alerts()).isEmpty();
    }

    /** A clock the test moves by hand, apart from the driver's wall-clock time that triggers the checks. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
