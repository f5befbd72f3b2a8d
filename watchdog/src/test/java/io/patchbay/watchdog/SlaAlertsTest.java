package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.accepted;
import static io.patchbay.watchdog.EventLog.dispatched;
import static io.patchbay.watchdog.EventLog.queued;
import static io.patchbay.watchdog.EventLog.started;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
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

        t.pipe(log.next("main", "p1", accepted()), log.next("main", "p1", queued(1)),
                log.next("main", "p1", dispatched(1)));
        check();
        check();

        List<Alert> recovered = t.alerts();
        assertThat(recovered).extracting(Alert::kind).containsExactly("SlaRecovered");
        assertThat(recovered.get(0).limit()).isEqualTo("sla.queueDepth=1");
        assertThat(recovered.get(0).value()).isEqualTo("1");
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
