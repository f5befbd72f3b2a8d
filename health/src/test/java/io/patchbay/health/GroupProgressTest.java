package io.patchbay.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.health.GroupProgress.Offsets;
import io.patchbay.health.GroupProgress.Sample;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class GroupProgressTest {

    private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String DECIDER = "patchbay-decider";
    private static final TopicPartition COMMANDS_0 = new TopicPartition("patchbay.commands", 0);
    private static final TopicPartition RESULTS_1 = new TopicPartition("patchbay.results", 1);
    private static final TopicPartition EVENTS_0 = new TopicPartition("patchbay.events", 0);

    private GroupProgress judge = GroupProgress.empty();

    private static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** A partition the group has committed {@code committed} of, {@code end} long, with no open transaction. */
    private static Offsets committed(long committed, long end) {
        return new Offsets(committed, 0, end, end, null);
    }

    private void sample(double seconds, TopicPartition tp, Offsets offsets) {
        judge = judge.fold(Sample.of(DECIDER, at(seconds), Map.of(tp, offsets)));
    }

    private ServiceProgress decider() {
        return judge.judge("decider", DECIDER, BOUND, BOUND);
    }

    @Test
    void aPartitionWaitingUnmovedBeyondTheBoundIsStalledWithItsSentence() {
        sample(0, COMMANDS_0, committed(40, 52));
        sample(30, COMMANDS_0, committed(40, 52));
        assertThat(decider().stalled()).isFalse();

        sample(95, COMMANDS_0, committed(40, 52));

        assertThat(decider().stalls()).containsExactly(
                "decider: patchbay.commands-0 has 12 records waiting, unprocessed for 95 s (committed offset 40, end 52)");
    }

    @Test
    void waitingExactlyTheBoundIsNotAStall() {
        sample(0, COMMANDS_0, committed(40, 52));
        sample(60, COMMANDS_0, committed(40, 52));
        assertThat(decider()).isEqualTo(ServiceProgress.MOVING);

        sample(60.001, COMMANDS_0, committed(40, 52));
        assertThat(decider().stalled()).isTrue();
    }

    @Test
    void movementOfTheCommittedOffsetRestartsTheClock() {
        sample(0, COMMANDS_0, committed(40, 52));
        sample(50, COMMANDS_0, committed(41, 60));
        sample(100, COMMANDS_0, committed(41, 60));
        assertThat(decider().stalled()).as("41 waited 50 s, not 100").isFalse();

        sample(112, COMMANDS_0, committed(41, 60));
        assertThat(decider().stalls()).singleElement().asString().contains("unprocessed for 62 s (committed offset 41, end 60)");
    }

    @Test
    void catchingUpRestartsTheClock() {
        sample(0, COMMANDS_0, committed(40, 52));
        sample(50, COMMANDS_0, committed(52, 52));
        // New records arrive; the group had nothing to do for the 50 s before.
        sample(55, COMMANDS_0, committed(52, 53));
        sample(115, COMMANDS_0, committed(52, 53));
        assertThat(decider().stalled()).isFalse();

        sample(116, COMMANDS_0, committed(52, 53));
        assertThat(decider().stalls()).containsExactly(
                "decider: patchbay.commands-0 has 1 record waiting, unprocessed for 61 s (committed offset 52, end 53)");
    }

    @Test
    void aPartitionNeverCommittedCountsFromTheLogStart() {
        sample(0, RESULTS_1, new Offsets(null, 3, 8, 8, null));
        sample(61, RESULTS_1, new Offsets(null, 3, 8, 8, null));

        assertThat(decider().stalls()).containsExactly(
                "decider: patchbay.results-1 has 5 records waiting, unprocessed for 61 s (nothing committed, log start 3, end 8)");
    }

    @Test
    void aPartitionNeverCommittedWhoseLogIsEmptyWaitsForNothing() {
        sample(0, RESULTS_1, new Offsets(null, 8, 8, 8, null));
        sample(600, RESULTS_1, new Offsets(null, 8, 8, 8, null));

        assertThat(decider()).isEqualTo(ServiceProgress.MOVING);
    }

    @Test
    void aGapOfOnlyTransactionMarkersBelowTheEndIsCaughtUp() {
        // A worker commits the offset after its last order; the commit marker behind it is nothing to read.
        sample(0, COMMANDS_0, new Offsets(8L, 0, 9, 9, false));
        sample(600, COMMANDS_0, new Offsets(8L, 0, 9, 9, false));
        assertThat(decider()).isEqualTo(ServiceProgress.MOVING);

        // The same gap, not looked into: it counts as waiting.
        judge = GroupProgress.empty();
        sample(0, COMMANDS_0, new Offsets(8L, 0, 9, 9, null));
        sample(600, COMMANDS_0, new Offsets(8L, 0, 9, 9, null));
        assertThat(decider().stalled()).isTrue();
    }

    @Test
    void anOpenTransactionHoldingTheStableEndIsAStallOnceItOutlivesItsBound() {
        // Caught up with what it can read, but a transaction keeps everything after offset 45 from every reader.
        sample(0, EVENTS_0, new Offsets(45L, 0, 45, 47, false));
        sample(59, EVENTS_0, new Offsets(45L, 0, 45, 49, false));
        assertThat(judge.judge("watchdog", DECIDER, BOUND, Duration.ofSeconds(60)).stalled()).isFalse();

        sample(95, EVENTS_0, new Offsets(45L, 0, 45, 52, false));

        assertThat(judge.judge("watchdog", DECIDER, BOUND, Duration.ofSeconds(60)).stalls()).containsExactly(
                "watchdog: an open transaction holds patchbay.events-0 at offset 45 for 95 s (7 offsets behind it); "
                        + "no read_committed reader gets past it until it ends");
        assertThat(judge.judge("watchdog", DECIDER, BOUND, Duration.ofSeconds(100)).stalled())
                .as("the transaction's own bound").isFalse();
    }

    @Test
    void aStableEndThatMovesIsNoHangingTransaction() {
        // Transactions come and go all the time; each one holds the stable end only briefly.
        for (int s = 0; s <= 300; s += 5) {
            sample(s, EVENTS_0, new Offsets(40L + s, 0, 40 + s, 42 + s, true));
        }
        assertThat(decider()).isEqualTo(ServiceProgress.MOVING);
    }

    @Test
    void aFailedSampleIsSaidAndRestartsTheClocks() {
        sample(0, COMMANDS_0, committed(40, 52));
        judge = judge.fold(Sample.failed(DECIDER, at(30.25), "listing the group's offsets timed out"));

        assertThat(decider().stalled()).isFalse();
        assertThat(decider().unmeasured()).contains("decider: whether it makes progress cannot be told: the offsets of "
                + "group patchbay-decider could not be read since 2026-11-23T12:00:30Z (listing the group's offsets timed out)");
        judge = judge.fold(Sample.failed(DECIDER, at(35), "again"));
        assertThat(decider().unmeasured().orElseThrow()).as("failing since the first failure in a row")
                .contains("since 2026-11-23T12:00:30Z (again)");

        sample(61, COMMANDS_0, committed(40, 52));
        assertThat(decider()).as("the time unseen does not count").isEqualTo(ServiceProgress.MOVING);
        sample(122, COMMANDS_0, committed(40, 52));
        assertThat(decider().stalls()).singleElement().asString().contains("unprocessed for 61 s");
    }

    @Test
    void eachGroupIsJudgedByItsOwnSamplesAndBound() {
        sample(0, COMMANDS_0, committed(40, 52));
        judge = judge.fold(Sample.of("patchbay-worker", at(0), Map.of(new TopicPartition("patchbay.work", 0), committed(3, 4))));
        sample(120, COMMANDS_0, committed(40, 52));
        judge = judge.fold(Sample.of("patchbay-worker", at(120), Map.of(new TopicPartition("patchbay.work", 0), committed(3, 4))));

        assertThat(decider().stalled()).isTrue();
        assertThat(judge.judge("worker", "patchbay-worker", Duration.ofMinutes(17), BOUND)).isEqualTo(ServiceProgress.MOVING);
        assertThat(judge.judge("worker", "patchbay-worker", BOUND, BOUND).stalls()).singleElement().asString()
                .startsWith("worker: patchbay.work-0 has 1 record waiting");
        assertThat(judge.judge("watchdog", "patchbay-watchdog", BOUND, BOUND)).as("never sampled").isEqualTo(ServiceProgress.MOVING);
    }

    @Test
    void stalledPartitionsAreListedInTopicAndPartitionOrder() {
        var later = Map.of(RESULTS_1, committed(1, 2), new TopicPartition("patchbay.commands", 2), committed(1, 2), COMMANDS_0,
                committed(1, 2));
        judge = judge.fold(Sample.of(DECIDER, at(0), later)).fold(Sample.of(DECIDER, at(61), later));

        assertThat(decider().stalls()).extracting(s -> s.substring(0, s.indexOf(" has")))
                .containsExactly("decider: patchbay.commands-0", "decider: patchbay.commands-2", "decider: patchbay.results-1");
    }
}
