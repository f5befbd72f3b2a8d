package io.patchbay.app;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates patchbay's topics when they are missing, and makes sure the cluster carries records of
 * the configured size: topics patchbay owns (every topic on the embedded broker) are raised to the
 * limit; on an external cluster the limit is lowered to what its broker and topics accept, with the
 * reason logged, since a record the cluster refuses would stop the pipeline.
 */
final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    private static final String BROKER_MESSAGE_MAX_BYTES = "message.max.bytes";

    private TopicSetup() {}

    /** With the default record limits, on a cluster patchbay owns. */
    static void ensure(String bootstrapServers, int partitions, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        ensure(bootstrapServers, partitions, replicationFactor, RecordLimits.DEFAULT, true);
    }

    /**
     * @param owned true when patchbay owns the cluster (the embedded broker): existing topics below the
     *     limit are raised to it; false leaves existing topics alone and lowers the limit instead
     * @return the limits to run with: {@code limits}, or lower when the cluster accepts less
     */
    static RecordLimits ensure(String bootstrapServers, int partitions, short replicationFactor, RecordLimits limits,
            boolean owned) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            var configs = new HashMap<String, String>(limits.topicConfig());
            // The event log is the source of truth: keep it for ever.
            configs.put("retention.ms", "-1");
            configs.put("min.insync.replicas", String.valueOf(Math.max(1, replicationFactor - 1)));
            List<NewTopic> missing = Topics.ALL.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replicationFactor).configs(withOwn(configs, t)))
                    .toList();
            if (!missing.isEmpty()) {
                requireBrokers(admin, replicationFactor);
            }
            Set<String> createdElsewhere = create(admin, missing);
            List<String> older = Topics.ALL.stream()
                    .filter(t -> existing.contains(t) || createdElsewhere.contains(t)).toList();
            Map<String, Integer> small = topicsBelow(admin, older, limits.maxRecordBytes());
            if (!small.isEmpty() && owned) {
                raise(admin, small.keySet(), limits);
                small = Map.of();
            }
            int accepted = Math.min(brokerLimit(admin), small.values().stream().min(Integer::compare)
                    .orElse(Integer.MAX_VALUE));
            if (accepted >= limits.maxRecordBytes()) {
                return limits;
            }
            RecordLimits lowered;
            try {
                lowered = limits.atMost(accepted);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("the Kafka cluster accepts records of at most " + accepted
                        + " bytes, too small for patchbay (" + e.getMessage() + "); raise message.max.bytes and the "
                        + "topics' max.message.bytes", e);
            }
            LOG.warn("the Kafka cluster accepts records of at most {} bytes (broker message.max.bytes or the "
                    + "max.message.bytes of {}), less than {}={}; running with {} bytes, which carries patches of "
                    + "{} bytes", accepted, small.isEmpty() ? "the broker" : small.keySet(), RecordLimits.ENV,
                    limits.maxRecordBytes(), lowered.maxRecordBytes(), lowered.maxPatchBytes());
            return lowered;
        }
    }

    /**
     * Creates the missing topics. Another instance starting at the same moment may create some of
     * them first: such a topic is not an error, it is then checked like any topic that was there.
     *
     * @return the topics another client created between the listing and the creation
     */
    private static Set<String> create(Admin admin, List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (missing.isEmpty()) {
            return Set.of();
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
        var createdElsewhere = new TreeSet<String>();
        var created = new ArrayList<String>();
        for (Map.Entry<String, KafkaFuture<Void>> r : results.entrySet()) {
            try {
                r.getValue().get(30, TimeUnit.SECONDS);
                created.add(r.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                createdElsewhere.add(r.getKey());
            }
        }
        if (!created.isEmpty()) {
            LOG.info("created topics {}", created);
        }
        if (!createdElsewhere.isEmpty()) {
            LOG.info("topics {} were created by another client meanwhile; they are checked as existing topics",
                    createdElsewhere);
        }
        return createdElsewhere;
    }

    /**
     * Kafka refuses a topic with more replicas than brokers with a bare "Replication factor: 3 larger than
     * available brokers: 1"; say which setting of patchbay's that is and what to do about it.
     */
    private static void requireBrokers(Admin admin, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        if (brokers < replicationFactor) {
            throw new IllegalStateException("the Kafka cluster has " + brokers + " broker(s) running, fewer than the "
                    + replicationFactor + " replicas patchbay creates its topics with; start more brokers, or lower "
                    + "--replication-factor (PATCHBAY_REPLICATION_FACTOR) to at most " + brokers);
        }
    }

    private static Map<String, String> withOwn(Map<String, String> shared, String topic) {
        var all = new HashMap<>(shared);
        all.putAll(Topics.ownConfig(topic));
        return all;
    }

    /** The topics whose max.message.bytes is below {@code limit}, with their value. */
    private static Map<String, Integer> topicsBelow(Admin admin, Collection<String> topics, int limit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return Map.of();
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> described = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        var out = new HashMap<String, Integer>();
        described.forEach((r, c) -> {
            ConfigEntry e = c.get(MAX_MESSAGE_BYTES);
            if (e != null && e.value() != null && Integer.parseInt(e.value()) < limit) {
                out.put(r.name(), Integer.parseInt(e.value()));
            }
        });
        return out;
    }

    /** The smallest message.max.bytes among the brokers, the default for topics that set none. */
    private static int brokerLimit(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        var nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        List<ConfigResource> brokers = new ArrayList<>();
        nodes.forEach(n -> brokers.add(new ConfigResource(ConfigResource.Type.BROKER, n.idString())));
        Map<ConfigResource, Config> described = admin.describeConfigs(brokers).all().get(30, TimeUnit.SECONDS);
        return described.values().stream()
                .map(c -> c.get(BROKER_MESSAGE_MAX_BYTES))
                .filter(e -> e != null && e.value() != null)
                .mapToInt(e -> Integer.parseInt(e.value()))
                .min().orElse(Integer.MAX_VALUE);
    }

    private static void raise(Admin admin, Collection<String> topics, RecordLimits limits)
            throws InterruptedException, ExecutionException, TimeoutException {
        var ops = new HashMap<ConfigResource, Collection<AlterConfigOp>>();
        for (String t : topics) {
            ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
                    new ConfigEntry(MAX_MESSAGE_BYTES, String.valueOf(limits.maxRecordBytes())),
                    AlterConfigOp.OpType.SET)));
        }
        admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        // The change travels through the metadata log: a broker takes it a moment after the answer, and a
        // large record sent before that is refused. Wait until the brokers describe it.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Integer> behind = topicsBelow(admin, topics, limits.maxRecordBytes());
        while (!behind.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(50);
            behind = topicsBelow(admin, topics, limits.maxRecordBytes());
        }
        if (behind.isEmpty()) {
            LOG.info("raised max.message.bytes of {} to {}", topics, limits.maxRecordBytes());
        } else {
            LOG.warn("raised max.message.bytes of {} to {}, but after 30 s the brokers still describe {}", topics,
                    limits.maxRecordBytes(), behind);
        }
    }
}
