package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.accepted;
import static io.patchbay.watchdog.EventLog.dispatched;
import static io.patchbay.watchdog.EventLog.drift;
import static io.patchbay.watchdog.EventLog.failed;
import static io.patchbay.watchdog.EventLog.queued;
import static io.patchbay.watchdog.EventLog.quarantined;
import static io.patchbay.watchdog.EventLog.rejected;
import static io.patchbay.watchdog.EventLog.started;
import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.succeeded;
import static io.patchbay.watchdog.EventLog.unfrozen;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.work.FailureClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The views are a function of the logs: a watchdog whose local state is gone and that reads
 * {@code patchbay.events} and {@code patchbay.alerts} again from the start ends with exactly the
 * stores it had, byte for byte.
 */
class RebuildTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final Duration CHECK = Duration.ofSeconds(5);
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
                sla: {queueDepth: 1, oldestPending: 10m, runTime: 2m, quarantine: 0, successRate: 0.9}
              ops:
                workspace: var/workspaces/ops
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    @TempDir
    Path firstState;

    @TempDir
    Path secondState;

    @Test
    void deletingTheLocalStateAndReplayingTheLogsRebuildsEveryViewExactly() {
        var clock = new SlaAlertsTest.MovableClock(T0);
        var log = new EventLog(T0);
        List<Event> events;
        List<Alert> alerts;
        Map<String, Map<String, String>> before;
        List<DomainView> domainsBefore;
        Object outcomesBefore;
        Object quarantineBefore;
        Object alertListBefore;

        try (var first = new ViewsTestDriver(WatchdogTopology.build(clock, () -> CONTRACT, CHECK), firstState, true)) {
            first.pipe(log.run("main", "ok", Duration.ofSeconds(3), succeeded(1, "c1", 0.75)));
            first.pipe(log.run("main", "bad", Duration.ofSeconds(9), failed(1, FailureClass.GATE_FAILED, "unit failed")));
            first.pipe(log.run("ops", "held", Duration.ZERO, quarantined(3)));
            first.pipe(log.next("main", "w1", submitted("w1", "main", "waits")),
                    log.next("main", "w2", submitted("w2", "main", "waits too")),
                    log.next("main", "w2", accepted()),
                    log.next("main", "no", submitted("no", "main", "denied")),
                    log.next("main", "no", rejected("secrets/key.pem is denied")),
                    log.next("ops", null, drift("aaaa", "bbbb")));
            clock.advance(Duration.ofMinutes(1));
            first.advanceWallClock(CHECK);
            first.pipe(log.next("main", "w1", accepted()), log.next("main", "w1", queued(1)),
                    log.next("main", "w1", dispatched(1)), log.next("main", "w1", started(1)),
                    log.next("main", "w2", new EventBody.Cancelled(EventLog.OPS, "superseded")),
                    log.next("ops", null, unfrozen("reset")),
                    log.next("ops", "late", submitted("late", "ops", "after the freeze")),
                    log.next("ops", null, drift("cccc", "dddd")));
            clock.advance(Duration.ofMinutes(3));
            first.advanceWallClock(CHECK);

            events = first.piped();
            alerts = first.alerts();
            assertThat(alerts).extracting(Alert::kind).contains("SlaBreached", "SlaRecovered", "Stuck");
            before = first.snapshot();
            domainsBefore = first.views.domains();
            outcomesBefore = first.views.outcomes("main", T0, clock.instant());
            quarantineBefore = first.views.quarantine(null, 10);
            alertListBefore = first.views.alerts(null, T0, 100);
        }

        try (var second = new ViewsTestDriver(WatchdogTopology.build(clock, () -> CONTRACT, CHECK), secondState, true)) {
            second.pipe(events.toArray(Event[]::new));
            second.pipeAlerts(alerts);

            Map<String, Map<String, String>> after = second.snapshot();
            // The check's memory of what it sent is restored from its changelog, not from the logs.
            before.remove(WatchdogTopology.SLA_STATE);
            after.remove(WatchdogTopology.SLA_STATE);
            assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
            for (String store : before.keySet()) {
                assertThat(after.get(store)).as(store).isNotEmpty().containsExactlyEntriesOf(before.get(store));
            }
            assertThat(second.views.domains()).isEqualTo(domainsBefore);
            assertThat(second.views.outcomes("main", T0, clock.instant())).isEqualTo(outcomesBefore);
            assertThat(second.views.quarantine(null, 10)).isEqualTo(quarantineBefore);
            assertThat(second.views.alerts(null, T0, 100)).isEqualTo(alertListBefore);
        }
    }
}
