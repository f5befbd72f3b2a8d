package io.patchbay.contracts.topic;

import io.patchbay.contracts.policy.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeProducersResult;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and aborts hanging transactions (KIP-664) on patchbay's partitions, every {@link Settings#interval}.
 * A process killed with SIGKILL together with its broker can restart to a transaction that its
 * coordinator no longer knows but that a partition still holds open: the partition's last stable
 * offset never moves again, the decider's restore and the watchdog wait on it for ever, and a
 * transactional offset commit held in {@code __consumer_offsets} leaves a group's offsets
 * "unstable". Kafka ends such a transaction only when an operator runs
 * {@code kafka-transactions.sh abort}; this does what that operator would, for patchbay's own
 * partitions: every partition of the topics whose names start with {@value #TOPIC_PREFIX} (its own
 * topics, and the changelog and repartition topics of its Streams applications, whose ids start
 * with {@code patchbay-}), and the {@code __consumer_offsets} partitions of the given groups.
 *
 * <p>Which transactions hang is {@link HangingTransactions}' to say. Aborting one that hangs loses
 * nothing that was committed: its coordinator would never have committed it.
 */
public final class TransactionJanitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionJanitor.class);

    /** Topics whose names start with this are patchbay's, or one of its Streams applications'. */
    public static final String TOPIC_PREFIX = "patchbay";
    public static final String GRACE_ENV = "PATCHBAY_HANGING_TXN_GRACE";
    public static final String INTERVAL_ENV = "PATCHBAY_HANGING_TXN_INTERVAL";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final String OFFSETS_TOPIC = "__consumer_offsets";

    /**
     * How often to look and how old an open transaction must be to be judged.
     *
     * @param interval time between two scans; null when the janitor is off
     */
    public record Settings(Duration grace, Duration interval) {

        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
        public static final Settings DEFAULT = new Settings(HangingTransactions.DEFAULT_GRACE, DEFAULT_INTERVAL);

        public Settings {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("the grace of a transaction cannot be negative: " + grace);
            }
            if (interval != null && (interval.isNegative() || interval.isZero())) {
                throw new IllegalArgumentException("the janitor's interval must be above zero, not " + interval);
            }
        }

        public boolean enabled() {
            return interval != null;
        }

        /**
         * {@value #GRACE_ENV} and {@value #INTERVAL_ENV} as durations ({@code 30s}, {@code 2m}); an
         * interval of {@code off} turns the janitor off.
         *
         * @throws IllegalArgumentException naming the variable when one is not a duration
         */
        public static Settings fromEnv(Map<String, String> env) {
            Duration grace = duration(env, GRACE_ENV, DEFAULT.grace());
            String interval = env.get(INTERVAL_ENV);
            if (interval != null && interval.trim().equalsIgnoreCase("off")) {
                return new Settings(grace, null);
            }
            return new Settings(grace, duration(env, INTERVAL_ENV, DEFAULT_INTERVAL));
        }

        private static Duration duration(Map<String, String> env, String name, Duration fallback) {
            String set = env.get(name);
            if (set == null || set.isBlank()) {
                return fallback;
            }
            try {
                return Durations.parse(set);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * What one scan saw and did.
     *
     * @param described the partitions whose producers were described
     * @param aborted the hanging transactions it aborted
     * @param failed those it could not abort
     */
    public record Scan(Set<TopicPartition> described, List<HangingTransactions.Hanging> aborted,
            List<HangingTransactions.Hanging> failed) {}

    private final Admin admin;
    private final Collection<String> groups;
    private final Settings settings;
    private final HangingTransactions judge;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-transaction-janitor");
        t.setDaemon(true);
        return t;
    });
    private volatile Optional<String> problem = Optional.empty();
    private volatile boolean scanFailing;

    private TransactionJanitor(String bootstrapServers, Collection<String> groups, Settings settings, Clock clock) {
        this.groups = List.copyOf(groups);
        this.settings = settings;
        this.judge = new HangingTransactions(settings.grace());
        this.clock = clock;
        this.admin = settings.enabled() ? Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "patchbay-transaction-janitor",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis())) : null;
    }

    /**
     * A janitor scanning now and then every interval, or one that does nothing when {@code settings}
     * turn it off.
     *
     * @param groups the consumer groups whose offset commits it watches (a Streams application's id is its group)
     */
    public static TransactionJanitor start(String bootstrapServers, Collection<String> groups, Settings settings,
            Clock clock) {
        TransactionJanitor janitor = new TransactionJanitor(bootstrapServers, groups, settings, clock);
        if (!settings.enabled()) {
            LOG.info("the hanging-transaction janitor is off ({}=off)", INTERVAL_ENV);
            return janitor;
        }
        LOG.info("aborting hanging transactions on {}* topics and the offsets of {}, every {} s, once {} s without a write",
                TOPIC_PREFIX, janitor.groups, settings.interval().toSeconds(), settings.grace().toSeconds());
        janitor.timer.scheduleWithFixedDelay(janitor::scanLogged, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        return janitor;
    }

    /**
     * Which partition is held by which transaction, and for how long, when an abort failed; empty
     * when every hanging transaction found was ended, or none was found.
     */
    public Optional<String> problem() {
        return problem;
    }

    private void scanLogged() {
        try {
            scan();
            if (scanFailing) {
                LOG.info("scanning for hanging transactions works again");
                scanFailing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // Kafka out of reach is health's to report (the probe); one line when it starts, not one a scan.
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            if (!scanFailing) {
                LOG.warn("could not scan for hanging transactions; trying again every {} s: {}",
                        settings.interval().toSeconds(), cause.toString());
                scanFailing = true;
            } else {
                LOG.debug("could not scan for hanging transactions: {}", cause.toString());
            }
        }
    }

    /** One scan: finds the hanging transactions and aborts each. */
    public synchronized Scan scan() throws InterruptedException, ExecutionException, TimeoutException {
        if (!settings.enabled()) {
            return new Scan(Set.of(), List.of(), List.of());
        }
        Set<TopicPartition> partitions = partitionsToWatch();
        Map<TopicPartition, PartitionProducerState> producers = describeProducers(partitions);
        // One instant for both judgements: a transaction turning stale in between would otherwise be
        // judged without its producer id having been asked about, and read as unknown.
        Instant now = clock.instant();
        List<HangingTransactions.Open> stale = judge.stale(producers, now);
        if (stale.isEmpty()) {
            problem = Optional.empty();
            return new Scan(producers.keySet(), List.of(), List.of());
        }
        Set<Long> producerIds = new TreeSet<>();
        stale.forEach(o -> producerIds.add(o.producerId()));
        Collection<TransactionListing> listings = admin.listTransactions(new ListTransactionsOptions()
                .filterProducerIds(producerIds)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, TransactionDescription> descriptions = describeTransactions(listings, producerIds);
        List<HangingTransactions.Hanging> found = judge.find(producers, listings, descriptions, now);
        if (found.isEmpty()) {
            problem = Optional.empty();
            return new Scan(producers.keySet(), List.of(), List.of());
        }
        Set<TopicPartition> held = new LinkedHashSet<>();
        found.forEach(h -> held.add(h.open().partition()));
        List<HangingTransactions.Hanging> confirmed = judge.stillHanging(found, describeProducers(held), clock.instant());
        List<HangingTransactions.Hanging> aborted = new ArrayList<>();
        List<HangingTransactions.Hanging> failed = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        for (HangingTransactions.Hanging h : confirmed) {
            LOG.warn("hanging transaction: {}; aborting it", h.describe());
            try {
                admin.abortTransaction(h.abortSpec()).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.warn("aborted the hanging transaction of producer id {} epoch {} on {} (open since offset {}); "
                                + "its readers move on", h.open().producerId(), h.open().producerEpoch(),
                        h.open().partition(), h.open().startOffset());
                aborted.add(h);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                LOG.error("could not abort the hanging transaction on {}: {}; its readers stay blocked",
                        h.open().partition(), cause.toString());
                failed.add(h);
                unresolved.add(h.describe() + "; aborting it failed: " + cause.getMessage());
            }
        }
        problem = unresolved.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", unresolved));
        return new Scan(producers.keySet(), aborted, failed);
    }

    /** Every partition of patchbay's topics, and the offsets partitions of the groups. */
    private Set<TopicPartition> partitionsToWatch() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<String> ours = names.stream().filter(n -> n.startsWith(TOPIC_PREFIX)).toList();
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        if (!ours.isEmpty()) {
            Map<String, TopicDescription> described = admin.describeTopics(ours).allTopicNames()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            described.forEach((name, d) -> d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
        }
        // __consumer_offsets exists only once a group has committed; until then no offset commit can hang.
        if (!groups.isEmpty() && names.contains(OFFSETS_TOPIC)) {
            int count = admin.describeTopics(List.of(OFFSETS_TOPIC)).allTopicNames()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(OFFSETS_TOPIC).partitions().size();
            // The group coordinator's own placement of a group (GroupCoordinatorService#partitionFor).
            groups.forEach(g -> partitions.add(new TopicPartition(OFFSETS_TOPIC,
                    Utils.abs(g.hashCode()) % count)));
        }
        return partitions;
    }

    /**
     * The producers of each partition whose leader answered. A partition that did not (its leader
     * moving, a broker away) is judged in a later scan.
     */
    private Map<TopicPartition, PartitionProducerState> describeProducers(Set<TopicPartition> partitions)
            throws InterruptedException {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        DescribeProducersResult result = admin.describeProducers(partitions);
        Map<TopicPartition, PartitionProducerState> answered = new HashMap<>();
        for (TopicPartition tp : partitions) {
            try {
                answered.put(tp, result.partitionResult(tp).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException | TimeoutException e) {
                LOG.debug("no producers of {} this time: {}", tp, e.toString());
            }
        }
        return answered;
    }

    /**
     * The coordinators' descriptions of the transactional ids listed for the producer ids. Only an id
     * its coordinator says it does not know is left out; any other failure (a coordinator still
     * loading its log after a restart) fails the scan, since a missing description reads as "hanging".
     */
    private Map<String, TransactionDescription> describeTransactions(Collection<TransactionListing> listings,
            Set<Long> producerIds) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> ids = new TreeSet<>();
        listings.stream().filter(l -> producerIds.contains(l.producerId())).forEach(l -> ids.add(l.transactionalId()));
        if (ids.isEmpty()) {
            return Map.of();
        }
        DescribeTransactionsResult result = admin.describeTransactions(ids);
        Map<String, TransactionDescription> descriptions = new HashMap<>();
        for (String id : ids) {
            try {
                descriptions.put(id, result.description(id).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw e;
                }
            }
        }
        return descriptions;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
