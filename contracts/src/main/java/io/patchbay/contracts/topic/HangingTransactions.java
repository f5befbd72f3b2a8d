package io.patchbay.contracts.topic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;

/**
 * Which transactions left open on partitions will never be ended by a coordinator (KIP-664). Such a
 * transaction pins the partition's last stable offset, so every {@code read_committed} reader (the
 * decider's restore, the watchdog) and every group whose transactional offset commit it holds in
 * {@code __consumer_offsets} waits for ever.
 *
 * <p>The logic of Kafka's own {@code kafka-transactions.sh find-hanging}
 * ({@code TransactionsCommand.FindHangingTransactionsCommand}), with two changes. Its scope is a
 * {@link #grace} suited to patchbay, not a 15-minute maximum transaction timeout: patchbay's only
 * transactional producers are Kafka Streams' under exactly-once, whose {@code transaction.timeout.ms}
 * is 10 s. And the coordinator must know the transaction for that producer id and an epoch at least
 * the partition's, not only list the partition: a marker carrying an older producer id or a lower
 * epoch is refused by the partition, so it could never end what the partition holds.
 *
 * @param grace how long since the producer last wrote to the partition before its open transaction
 *     may be judged: longer than any transaction patchbay's producers keep open legitimately
 */
public record HangingTransactions(Duration grace) {

    /** Two Streams transaction timeouts (10 s each under exactly-once) and room for the coordinator to act. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    /**
     * States in which the coordinator still holds a transaction's partitions and will write their
     * markers: while it runs, while it is being committed or aborted, and while a newer producer
     * fences it (which aborts it).
     */
    private static final Set<TransactionState> ENDING_OR_OPEN = EnumSet.of(TransactionState.ONGOING,
            TransactionState.PREPARE_COMMIT, TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE);

    public HangingTransactions {
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("the grace of a transaction cannot be negative: " + grace);
        }
    }

    /**
     * A transaction open on one partition, as the partition's leader describes its producer.
     *
     * @param lastWriteMs the timestamp of the producer's last batch on the partition
     * @param coordinatorEpoch the epoch of the coordinator that last wrote a marker here for this producer; -1 for none
     */
    public record Open(TopicPartition partition, long producerId, int producerEpoch, long startOffset, long lastWriteMs,
            int coordinatorEpoch) {

        static Open of(TopicPartition partition, ProducerState producer) {
            return new Open(partition, producer.producerId(), producer.producerEpoch(),
                    producer.currentTransactionStartOffset().orElseThrow(), producer.lastTimestamp(),
                    producer.coordinatorEpoch().orElse(-1));
        }

        /** How long ago the producer last wrote here; never negative, whatever the producer's clock said. */
        public Duration age(Instant now) {
            return Duration.ofMillis(Math.max(0, now.toEpochMilli() - lastWriteMs));
        }
    }

    /**
     * An open transaction no coordinator will end.
     *
     * @param coordinatorSays what its coordinator knows of the producer, in words
     */
    public record Hanging(Open open, Duration age, String coordinatorSays) {

        /**
         * What ends it: an abort marker for this producer id and epoch. A producer that never had a
         * marker here has no coordinator epoch; 0 is no newer than any coordinator's, as Kafka's own
         * {@code abort} command reasons.
         */
        public AbortTransactionSpec abortSpec() {
            return new AbortTransactionSpec(open.partition(), open.producerId(), (short) open.producerEpoch(),
                    Math.max(0, open.coordinatorEpoch()));
        }

        /** The partition, the transaction holding it, for how long, and what the coordinator says. */
        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "%s is held by producer id %d epoch %d, open since offset %d, last written %d s ago; coordinator: %s",
                    open.partition(), open.producerId(), open.producerEpoch(), open.startOffset(), age.toSeconds(),
                    coordinatorSays);
        }
    }

    /**
     * The open transactions whose producer has not written to their partition for longer than the
     * grace: the only ones worth asking the coordinators about.
     */
    public List<Open> stale(Map<TopicPartition, PartitionProducerState> producers, Instant now) {
        List<Open> stale = new ArrayList<>();
        producers.forEach((partition, state) -> state.activeProducers().stream()
                .filter(p -> p.currentTransactionStartOffset().isPresent())
                .map(p -> Open.of(partition, p))
                .filter(open -> open.age(now).compareTo(grace) > 0)
                .forEach(stale::add));
        return stale;
    }

    /**
     * The hanging transactions among the stale ones of {@code producers} (a {@code describeProducers}
     * answer), judged by {@code listings} (a {@code listTransactions} answer filtered on their producer
     * ids) and {@code descriptions} (a {@code describeTransactions} answer, without the transactional
     * ids the coordinator does not know). Take the partitions' answer before the coordinators': a
     * transaction that ends in between then shows as still open on the partition while its
     * coordinator has forgotten it, which {@link #stillHanging} rules out by asking the partitions again.
     */
    public List<Hanging> find(Map<TopicPartition, PartitionProducerState> producers, Collection<TransactionListing> listings,
            Map<String, TransactionDescription> descriptions, Instant now) {
        Map<Long, String> transactionalIds = new HashMap<>();
        listings.forEach(l -> transactionalIds.put(l.producerId(), l.transactionalId()));
        List<Hanging> hanging = new ArrayList<>();
        for (Open open : stale(producers, now)) {
            String says = unendedBecause(open, transactionalIds.get(open.producerId()), descriptions);
            if (says != null) {
                hanging.add(new Hanging(open, open.age(now), says));
            }
        }
        return hanging;
    }

    /**
     * Those of {@code found} that {@code again}, a {@code describeProducers} answer taken after the
     * coordinators were asked, still shows open from the same offset, by the same producer id and
     * epoch, without a write since the grace. Open at both ends, it was open while its coordinator
     * did not know it.
     */
    public List<Hanging> stillHanging(List<Hanging> found, Map<TopicPartition, PartitionProducerState> again, Instant now) {
        List<Open> stillStale = stale(again, now);
        return found.stream()
                .filter(h -> stillStale.stream().anyMatch(o -> o.partition().equals(h.open().partition())
                        && o.producerId() == h.open().producerId() && o.producerEpoch() == h.open().producerEpoch()
                        && o.startOffset() == h.open().startOffset()))
                .toList();
    }

    /** Why no coordinator will end {@code open}, or null when one will. */
    private static String unendedBecause(Open open, String transactionalId, Map<String, TransactionDescription> descriptions) {
        if (transactionalId == null) {
            return "no transactional id has producer id " + open.producerId();
        }
        TransactionDescription d = descriptions.get(transactionalId);
        if (d == null) {
            return "transactional id '" + transactionalId + "' is unknown";
        }
        String at = "transactional id '" + transactionalId + "' is " + d.state() + " at producer id " + d.producerId()
                + " epoch " + d.producerEpoch();
        if (d.producerId() != open.producerId()) {
            return at + ", a different producer";
        }
        if (d.producerEpoch() < open.producerEpoch()) {
            return at + ", behind the partition's epoch";
        }
        if (!ENDING_OR_OPEN.contains(d.state()) || !d.topicPartitions().contains(open.partition())) {
            return at + ", without this partition";
        }
        // The coordinator will write a marker here with this producer id and an epoch the partition
        // takes; a higher epoch (a bump on ending under transaction.version 2) ends the open one too.
        return null;
    }
}
