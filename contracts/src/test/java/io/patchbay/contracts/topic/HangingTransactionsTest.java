package io.patchbay.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HangingTransactionsTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");
    private static final HangingTransactions JUDGE = new HangingTransactions(Duration.ofSeconds(30));
    private static final TopicPartition EVENTS_0 = new TopicPartition(Topics.EVENTS, 0);
    private static final TopicPartition CHANGELOG_0 = new TopicPartition("patchbay-decider-domains-changelog", 0);
    private static final String TXN_ID = "patchbay-decider-5e0c-0";
    private static final long PID = 4;
    private static final short EPOCH = 4;

    /** An open transaction of producer 4 epoch 4 on {@code tp} since offset 120, last written {@code ago}. */
    private static Map<TopicPartition, PartitionProducerState> openOn(TopicPartition tp, Duration ago) {
        return Map.of(tp, new PartitionProducerState(List.of(producer(PID, EPOCH, ago, OptionalLong.of(120)))));
    }

    private static ProducerState producer(long pid, int epoch, Duration ago, OptionalLong txnStart) {
        return new ProducerState(pid, epoch, 7, NOW.minus(ago).toEpochMilli(), OptionalInt.of(2), txnStart);
    }

    private static List<TransactionListing> listed(long pid) {
        return List.of(new TransactionListing(TXN_ID, pid, TransactionState.EMPTY));
    }

    private static Map<String, TransactionDescription> coordinator(TransactionState state, long pid, int epoch,
            Set<TopicPartition> partitions) {
        return Map.of(TXN_ID, new TransactionDescription(1, state, pid, epoch, 10_000, OptionalLong.empty(), partitions));
    }

    @Test
    void openTransactionTheCoordinatorHoldsAsEmptyIsHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.EMPTY, PID, EPOCH, Set.of()), NOW);

        assertThat(hanging).hasSize(1);
        HangingTransactions.Hanging h = hanging.get(0);
        assertThat(h.open().partition()).isEqualTo(EVENTS_0);
        assertThat(h.open().startOffset()).isEqualTo(120);
        assertThat(h.age()).isEqualTo(Duration.ofMinutes(2));
        assertThat(h.coordinatorSays()).contains(TXN_ID).contains("Empty").contains("without this partition");
        assertThat(h.describe()).contains("patchbay.events-0").contains("producer id 4 epoch 4")
                .contains("offset 120").contains("120 s ago");
    }

    @Test
    void transactionOngoingAtTheCoordinatorWithThePartitionIsNotHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.ONGOING, PID, EPOCH, Set.of(EVENTS_0, CHANGELOG_0)), NOW);

        assertThat(hanging).isEmpty();
    }

    @Test
    void transactionTheCoordinatorIsEndingIsNotHanging() {
        for (TransactionState ending : List.of(TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT,
                TransactionState.PREPARE_EPOCH_FENCE)) {
            var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                    coordinator(ending, PID, EPOCH + 1, Set.of(EVENTS_0)), NOW);

            assertThat(hanging).as("%s with a bumped epoch still ends the partition's transaction", ending).isEmpty();
        }
    }

    @Test
    void coordinatorDoneWithTheTransactionWritesNoMoreMarkersWhateverPartitionsItShows() {
        for (TransactionState done : List.of(TransactionState.EMPTY, TransactionState.COMPLETE_COMMIT,
                TransactionState.COMPLETE_ABORT)) {
            var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                    coordinator(done, PID, EPOCH, Set.of(EVENTS_0)), NOW);

            assertThat(hanging).as("%s", done).hasSize(1);
        }
    }

    @Test
    void transactionOngoingAtTheCoordinatorOnOtherPartitionsIsHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.ONGOING, PID, EPOCH, Set.of(CHANGELOG_0)), NOW);

        assertThat(hanging).singleElement().satisfies(h -> assertThat(h.coordinatorSays()).contains("Ongoing"));
    }

    @Test
    void transactionWithinTheGraceIsNotJudged() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofSeconds(29)), listed(PID),
                coordinator(TransactionState.EMPTY, PID, EPOCH, Set.of()), NOW);

        assertThat(hanging).isEmpty();
        assertThat(JUDGE.stale(openOn(EVENTS_0, Duration.ofSeconds(29)), NOW)).isEmpty();
        assertThat(JUDGE.stale(openOn(EVENTS_0, Duration.ofSeconds(31)), NOW)).hasSize(1);
    }

    @Test
    void epochBumpedAtTheCoordinatorLeavesTheOlderTransactionHanging() {
        // The producer restarted: initTransactions bumped its epoch, and the new epoch has not written here.
        var hanging = JUDGE.find(openOn(CHANGELOG_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.ONGOING, PID, EPOCH + 1, Set.of(EVENTS_0)), NOW);

        assertThat(hanging).singleElement().satisfies(h -> {
            assertThat(h.open().partition()).isEqualTo(CHANGELOG_0);
            assertThat(h.coordinatorSays()).contains("epoch 5");
        });
    }

    @Test
    void coordinatorBehindThePartitionsEpochCannotEndIt() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.ONGOING, PID, EPOCH - 1, Set.of(EVENTS_0)), NOW);

        assertThat(hanging).singleElement()
                .satisfies(h -> assertThat(h.coordinatorSays()).contains("behind the partition's epoch"));
    }

    @Test
    void unknownProducerIdIsHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), List.of(), Map.of(), NOW);

        assertThat(hanging).singleElement()
                .satisfies(h -> assertThat(h.coordinatorSays()).isEqualTo("no transactional id has producer id 4"));
    }

    @Test
    void transactionalIdItsCoordinatorDoesNotKnowIsHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID), Map.of(), NOW);

        assertThat(hanging).singleElement().satisfies(h -> assertThat(h.coordinatorSays()).contains("unknown"));
    }

    @Test
    void transactionalIdNowOnAnotherProducerIdIsHanging() {
        var hanging = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), listed(PID),
                coordinator(TransactionState.ONGOING, PID + 1, 0, Set.of(EVENTS_0)), NOW);

        assertThat(hanging).singleElement()
                .satisfies(h -> assertThat(h.coordinatorSays()).contains("a different producer"));
    }

    @Test
    void producersWithoutAnOpenTransactionAreLeftAlone() {
        var idempotent = Map.of(EVENTS_0, new PartitionProducerState(List.of(
                producer(9, 0, Duration.ofHours(1), OptionalLong.empty()))));

        assertThat(JUDGE.find(idempotent, List.of(), Map.of(), NOW)).isEmpty();
    }

    @Test
    void onlyTheHangingOnesOfManyPartitionsAndProducersAreFound() {
        var producers = Map.of(
                EVENTS_0, new PartitionProducerState(List.of(
                        producer(PID, EPOCH, Duration.ofMinutes(5), OptionalLong.of(120)),
                        producer(11, 0, Duration.ofMinutes(5), OptionalLong.of(130)))),
                CHANGELOG_0, new PartitionProducerState(List.of(
                        producer(PID, EPOCH, Duration.ofMinutes(5), OptionalLong.of(40)))));
        var listings = List.of(new TransactionListing(TXN_ID, PID, TransactionState.ONGOING),
                new TransactionListing("patchbay-watchdog-1-0", 11, TransactionState.ONGOING));
        var descriptions = Map.of(
                TXN_ID, new TransactionDescription(1, TransactionState.ONGOING, PID, EPOCH, 10_000, OptionalLong.empty(),
                        Set.of(EVENTS_0)),
                "patchbay-watchdog-1-0", new TransactionDescription(1, TransactionState.ONGOING, 11, 0, 10_000,
                        OptionalLong.empty(), Set.of(EVENTS_0)));

        assertThat(JUDGE.find(producers, listings, descriptions, NOW)).singleElement().satisfies(h -> {
            assertThat(h.open().partition()).isEqualTo(CHANGELOG_0);
            assertThat(h.open().startOffset()).isEqualTo(40);
        });
    }

    @Test
    void aHangingTransactionStillOpenFromTheSameOffsetIsConfirmed() {
        var found = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), List.of(), Map.of(), NOW);

        assertThat(JUDGE.stillHanging(found, openOn(EVENTS_0, Duration.ofMinutes(2)), NOW)).isEqualTo(found);
    }

    @Test
    void aTransactionThatEndedOrWroteAgainSinceIsNotConfirmed() {
        var found = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(2)), List.of(), Map.of(), NOW);
        var ended = Map.of(EVENTS_0, new PartitionProducerState(List.of(
                producer(PID, EPOCH, Duration.ofMinutes(2), OptionalLong.empty()))));
        var nextOne = Map.of(EVENTS_0, new PartitionProducerState(List.of(
                producer(PID, EPOCH, Duration.ofMinutes(2), OptionalLong.of(125)))));
        var wroteAgain = openOn(EVENTS_0, Duration.ofSeconds(1));

        assertThat(JUDGE.stillHanging(found, ended, NOW)).isEmpty();
        assertThat(JUDGE.stillHanging(found, nextOne, NOW)).isEmpty();
        assertThat(JUDGE.stillHanging(found, wroteAgain, NOW)).isEmpty();
        assertThat(JUDGE.stillHanging(found, Map.of(), NOW)).isEmpty();
    }

    @Test
    void abortNamesTheProducerAndEpochWithCoordinatorEpochZeroWhenNoneWasSeen() {
        var neverMarked = Map.of(EVENTS_0, new PartitionProducerState(List.of(new ProducerState(PID, EPOCH, 3,
                NOW.minusSeconds(60).toEpochMilli(), OptionalInt.empty(), OptionalLong.of(120)))));

        var hanging = JUDGE.find(neverMarked, List.of(), Map.of(), NOW);

        assertThat(hanging).singleElement().satisfies(h -> assertThat(h.abortSpec())
                .isEqualTo(new AbortTransactionSpec(EVENTS_0, PID, EPOCH, 0)));
        var marked = JUDGE.find(openOn(EVENTS_0, Duration.ofMinutes(1)), List.of(), Map.of(), NOW);
        assertThat(marked.get(0).abortSpec().coordinatorEpoch()).isEqualTo(2);
    }

    @Test
    void settingsComeFromTheEnvironment() {
        assertThat(TransactionJanitor.Settings.fromEnv(Map.of())).isEqualTo(TransactionJanitor.Settings.DEFAULT);
        assertThat(TransactionJanitor.Settings.DEFAULT.grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(TransactionJanitor.Settings.DEFAULT.interval()).isEqualTo(Duration.ofSeconds(10));
        var set = TransactionJanitor.Settings.fromEnv(Map.of(TransactionJanitor.GRACE_ENV, "5s",
                TransactionJanitor.INTERVAL_ENV, "500ms"));
        assertThat(set).isEqualTo(new TransactionJanitor.Settings(Duration.ofSeconds(5), Duration.ofMillis(500)));
        assertThat(TransactionJanitor.Settings.fromEnv(Map.of(TransactionJanitor.INTERVAL_ENV, "off")).enabled()).isFalse();
        assertThatThrownBy(() -> TransactionJanitor.Settings.fromEnv(Map.of(TransactionJanitor.GRACE_ENV, "soon")))
                .hasMessageContaining(TransactionJanitor.GRACE_ENV);
        assertThatThrownBy(() -> TransactionJanitor.Settings.fromEnv(Map.of(TransactionJanitor.INTERVAL_ENV, "0s")))
                .hasMessageContaining("above zero");
    }
}
