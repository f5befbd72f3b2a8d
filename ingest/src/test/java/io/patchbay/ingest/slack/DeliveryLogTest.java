package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryLogTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final SlackSubmission WORK = new SlackSubmission(SlackSubmission.Kind.MESSAGE, "T1", "C1", "U1",
            "1700000000.000100", "```diff```", null, null);

    @TempDir
    Path dir;

    private DeliveryLog open(Instant now) {
        return new DeliveryLog(dir.resolve("deliveries.jsonl"), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void takesEachDeliveryOnceWhileItIsWorkedOnAndAfterItIsDone() {
        try (var log = open(T0)) {
            assertThat(log.claim("T1:Ev1", WORK)).isTrue();
            assertThat(log.claim("T1:Ev1", WORK)).as("a retry while the first is at work").isFalse();
            log.done("T1:Ev1");
            assertThat(log.claim("T1:Ev1", WORK)).as("a retry after it was done").isFalse();
            assertThat(log.claim("T2:Ev1", WORK)).as("another workspace's event").isTrue();
        }
    }

    @Test
    void remembersDoneDeliveriesAcrossARestartAndHandsBackWhatACrashLeftOpen() {
        try (var log = open(T0)) {
            log.claim("T1:Ev1", WORK);
            log.done("T1:Ev1");
            log.claim("T1:Ev2", WORK);
            // the process dies here, with Ev2 acknowledged to Slack but not yet submitted
        }

        try (var restarted = open(T0.plusSeconds(30))) {
            assertThat(restarted.claim("T1:Ev1", WORK)).isFalse();
            assertThat(restarted.unfinished()).containsExactly(Map.entry("T1:Ev2", WORK));
            assertThat(restarted.claim("T1:Ev2", WORK)).as("it is being finished").isFalse();
            restarted.done("T1:Ev2");
        }

        try (var again = open(T0.plusSeconds(60))) {
            assertThat(again.unfinished()).isEmpty();
            assertThat(again.claim("T1:Ev2", WORK)).isFalse();
        }
    }

    @Test
    void forgetsDeliveriesLongAfterSlackCouldRedeliverThem() {
        try (var log = open(T0)) {
            log.claim("T1:Ev1", WORK);
            log.done("T1:Ev1");
        }

        try (var later = open(T0.plus(DeliveryLog.RETENTION).plus(Duration.ofMinutes(1)))) {
            assertThat(later.claim("T1:Ev1", WORK)).isTrue();
        }
    }
}
