package io.patchbay.watchdog;

import static io.patchbay.watchdog.EventLog.submitted;
import static io.patchbay.watchdog.EventLog.unfrozen;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.Freeze;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the watchdog makes of a DriftFound that names the files: the freeze view and the drift alert. */
class DriftViewsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "test-1"
            domains:
              main:
                workspace: var/workspaces/main
            """.getBytes(StandardCharsets.UTF_8), "test-contract.yml");

    @TempDir
    Path stateDir;

    private final SlaAlertsTest.MovableClock clock = new SlaAlertsTest.MovableClock(T0);
    private ViewsTestDriver t;
    private EventLog log;

    @BeforeEach
    void startDriver() {
        t = new ViewsTestDriver(WatchdogTopology.build(clock, () -> CONTRACT, Duration.ofSeconds(5)), stateDir, true);
        log = new EventLog(T0);
    }

    @AfterEach
    void closeDriver() {
        t.close();
    }

    private static List<String> files(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> "docs/page-" + (100 + i) + ".md").toList();
    }

    private List<Alert> driftAlerts() {
        return t.alerts().stream().filter(a -> a.kind().equals(Alerts.DRIFT_FOUND)).toList();
    }

    @Test
    void freezeKeepsEveryFileTheDriftListsAndTheAlertNamesTheFirstTen() {
        List<String> files = files(13);
        t.pipe(log.next("main", "p1", submitted("p1", "main", "one")));
        Event found = log.next("main", null, new EventBody.DriftFound("3f2a9c0d", "77aa0b1c",
                "13 files changed outside patchbay", files));
        t.pipe(found);

        Freeze f = t.views.freeze("main").orElseThrow();
        assertThat(f.files()).containsExactlyElementsOf(files);
        assertThat(f.seq()).isEqualTo(found.seq());

        List<Alert> alerts = driftAlerts();
        assertThat(alerts).hasSize(1);
        String message = alerts.get(0).message();
        assertThat(message).contains("files: " + String.join(", ", files.subList(0, 10)) + " and 3 more")
                .doesNotContain("docs/page-111.md").endsWith("unfreeze it with --adopt or --reset");
    }

    @Test
    void aFewFilesAreAllNamedWithNothingMore() {
        List<String> files = List.of("README.md", "src/Main.java");
        t.pipe(log.next("main", null, new EventBody.DriftFound("3f2a9c0d", "3f2a9c0d", "2 files changed", files)));

        assertThat(t.views.freeze("main").orElseThrow().namedFiles()).isEqualTo("README.md, src/Main.java");
        assertThat(driftAlerts()).singleElement().satisfies(a -> assertThat(a.message())
                .contains("(2 files changed; files: README.md, src/Main.java)").doesNotContain("more"));
    }

    @Test
    void driftRecordedWithoutFilesFreezesWithNoneAndTheAlertNamesNone() {
        t.pipe(log.next("main", null, new EventBody.DriftFound("3f2a9c0d", "77aa0b1c", "HEAD moved")));

        Freeze f = t.views.freeze("main").orElseThrow();
        assertThat(f.files()).isEmpty();
        assertThat(f.namedFiles()).isNull();
        assertThat(driftAlerts()).singleElement().satisfies(a -> assertThat(a.message()).doesNotContain("files:"));
    }

    @Test
    void unfreezingDropsTheFilesWithTheFreeze() {
        t.pipe(log.next("main", null, new EventBody.DriftFound("a", "b", "1 file changed", List.of("x.txt"))));
        assertThat(t.views.freeze("main")).isPresent();

        t.pipe(log.next("main", null, unfrozen("reset")));

        assertThat(t.views.freeze("main")).isEmpty();
    }
}
