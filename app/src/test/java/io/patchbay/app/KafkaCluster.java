package io.patchbay.app;

import io.patchbay.contracts.topic.RecordLimits;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A KRaft cluster of three combined nodes (broker and controller each) in this JVM, on 127.0.0.1.
 * A node's {@code startup()} waits for a quorum, so nodes are started, and stopped, in parallel. A
 * stopped node keeps its log and ports and rejoins when started again.
 */
final class KafkaCluster implements AutoCloseable {

    private final Path dir;
    private final String clusterId = Uuid.randomUuid().toString();
    private final List<EmbeddedKafka.Node> nodes;
    private final Map<Integer, EmbeddedKafka> running = new ConcurrentHashMap<>();

    private KafkaCluster(Path dir, int size) {
        this.dir = dir;
        int[] ports = FreePorts.pick(2 * size);
        var all = new ArrayList<EmbeddedKafka.Node>();
        for (int i = 0; i < size; i++) {
            all.add(new EmbeddedKafka.Node(i + 1, ports[2 * i], ports[2 * i + 1]));
        }
        this.nodes = List.copyOf(all);
    }

    /** Starts {@code size} nodes with their logs under {@code dir}. */
    static KafkaCluster start(Path dir, int size) {
        KafkaCluster cluster = new KafkaCluster(dir, size);
        cluster.startAll(cluster.nodes.stream().map(EmbeddedKafka.Node::id).toList());
        return cluster;
    }

    private void startAll(List<Integer> ids) {
        CompletableFuture.allOf(ids.stream().map(id -> CompletableFuture.runAsync(() -> startNode(id)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private void startNode(int id) {
        EmbeddedKafka.Node node = nodes.get(id - 1);
        try {
            running.put(id, EmbeddedKafka.start(dir.resolve("node-" + id), node, nodes, clusterId, RecordLimits.DEFAULT));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every broker, running or not: clients find the running ones. */
    String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.brokerPort()).collect(Collectors.joining(","));
    }

    /** Stops node {@code id} the way an operator does (a controlled shutdown). */
    void stop(int id) {
        EmbeddedKafka node = running.remove(id);
        if (node != null) {
            node.close();
        }
    }

    /** Starts node {@code id} again, from its log. */
    void restart(int id) {
        startNode(id);
    }

    /** The node leading {@code partition} of {@code topic}, if any leads it now. */
    Optional<Integer> leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Node leader = d.partitions().get(partition).leader();
            return leader == null || leader.isEmpty() ? Optional.empty() : Optional.of(leader.id());
        }
    }

    /** The in-sync replicas of {@code partition} of {@code topic}. */
    List<Integer> inSync(String topic, int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return d.partitions().get(partition).isr().stream().map(Node::id).toList();
        }
    }

    @Override
    public void close() {
        CompletableFuture.allOf(List.copyOf(running.keySet()).stream()
                .map(id -> CompletableFuture.runAsync(() -> stop(id))).toArray(CompletableFuture[]::new)).join();
    }
}
