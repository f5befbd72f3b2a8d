package io.patchbay.app;

import io.patchbay.contracts.topic.RecordLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.apache.kafka.server.common.TransactionVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (broker and controller in one) running in this JVM. Its log
 * lives in {@code dataDir}, so a restart keeps every topic. The broker classes are Kafka's
 * internal API; they are used here and nowhere else.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path dataDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
    }

    /**
     * Starts a broker listening on 127.0.0.1:{@code port} (0 picks a free port) with its log in
     * {@code dataDir}, formatting the directory on first use.
     */
    public static EmbeddedKafka start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, RecordLimits.DEFAULT);
    }

    /**
     * As {@link #start(Path, int)}, accepting records up to {@code limits}: the broker's
     * {@code message.max.bytes} is the default of every topic without its own, Streams' changelogs
     * and the internal topics included.
     */
    public static EmbeddedKafka start(Path dataDir, int port, RecordLimits limits) throws IOException {
        return start(dataDir, port, limits, new Properties(), true);
    }

    /**
     * For tests that need a broker patchbay would not run: {@code overrides} go over patchbay's own
     * broker properties, and {@code raiseTransactionVersion} false leaves a log formatted at a lower
     * {@code transaction.version} (see {@link #format}) at that level.
     */
    static EmbeddedKafka start(Path dataDir, int port, Properties overrides, boolean raiseTransactionVersion)
            throws IOException {
        return start(dataDir, port, RecordLimits.DEFAULT, overrides, raiseTransactionVersion);
    }

    private static EmbeddedKafka start(Path dataDir, int port, RecordLimits limits, Properties overrides,
            boolean raiseTransactionVersion) throws IOException {
        int[] free = FreePorts.pick(2);
        int brokerPort = port == 0 ? free[0] : port;
        int controllerPort = port == free[1] ? free[0] : free[1];
        Node self = new Node(NODE_ID, brokerPort, controllerPort);
        return start(dataDir, self, List.of(self), Uuid.randomUuid().toString(), limits, overrides,
                raiseTransactionVersion);
    }

    /**
     * One combined node (broker and controller) of a KRaft cluster whose controller quorum is
     * {@code voters}, all of them on 127.0.0.1. Its {@code startup()} waits for a quorum, so the nodes
     * of a new cluster are started in parallel. Internal topics (consumer offsets, transaction state)
     * get up to three replicas and accept a write with all but one of them in sync, as patchbay's own
     * topics do; a restart with the same {@code dataDir} and ports rejoins the cluster.
     *
     * @param clusterId the same for every node; used only when {@code dataDir} is formatted
     */
    public static EmbeddedKafka start(Path dataDir, Node self, List<Node> voters, String clusterId, RecordLimits limits)
            throws IOException {
        return start(dataDir, self, voters, clusterId, limits, new Properties(), true);
    }

    private static EmbeddedKafka start(Path dataDir, Node self, List<Node> voters, String clusterId, RecordLimits limits,
            Properties overrides, boolean raiseTransactionVersion) throws IOException {
        guardHostJvm();
        Files.createDirectories(dataDir);
        int replicas = Math.min(3, voters.size());
        String minInSync = String.valueOf(Math.max(1, replicas - 1));
        Properties props = new Properties();
        props.put("node.id", String.valueOf(self.id()));
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + self.brokerPort() + ",CONTROLLER://127.0.0.1:"
                + self.controllerPort());
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + self.brokerPort());
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", String.join(",", voters.stream()
                .map(v -> v.id() + "@127.0.0.1:" + v.controllerPort()).toList()));
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // Without enough replicas for the internal topics, EOS initTransactions() hangs.
        props.put("offsets.topic.replication.factor", String.valueOf(replicas));
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        props.put("transaction.state.log.min.isr", minInSync);
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
        props.put("share.coordinator.state.topic.min.isr", minInSync);
        props.put("min.insync.replicas", minInSync);
        props.put("group.initial.rebalance.delay.ms", "0");
        // A stopped node is noticed, and a restarted one back in service, within seconds, not Kafka's defaults.
        // That matters on one node too: after a crash the controller accepts the broker's new registration
        // only once the old one's session expired (9 s by default), and nothing runs until then.
        // One node gets a little more slack: a loaded machine can delay its own heartbeats, and a fenced sole
        // broker stops everything.
        props.put("broker.session.timeout.ms", voters.size() > 1 ? "3000" : "4000");
        props.put("broker.heartbeat.interval.ms", "500");
        if (voters.size() > 1) {
            props.put("replica.lag.time.max.ms", "5000");
        }
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("message.max.bytes", String.valueOf(limits.maxRecordBytes()));
        props.put("replica.fetch.max.bytes", String.valueOf(limits.maxRecordBytes()));
        props.putAll(overrides);

        KafkaConfig config = new KafkaConfig(props, false);
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format(dataDir, self.id(), clusterId, TransactionVersion.TV_2.featureLevel());
        }
        long began = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + self.brokerPort();
        LOG.info("Kafka node {} up at {} in {} ms, log in {}", self.id(), bootstrap,
                (System.nanoTime() - began) / 1_000_000, dataDir);
        if (raiseTransactionVersion) {
            TransactionVersionUpgrade.ensure(bootstrap);
        }
        return new EmbeddedKafka(server, bootstrap, dataDir);
    }

    /** A node of a cluster on 127.0.0.1: its id and the ports of its broker and controller listeners. */
    public record Node(int id, int brokerPort, int controllerPort) {}

    /**
     * Formats {@code dataDir} for a single node as a log from an earlier patchbay might have been, at
     * {@code transactionVersion}: tests of what a start does with such a log use it.
     */
    static void format(Path dataDir, short transactionVersion) throws IOException {
        Files.createDirectories(dataDir);
        format(dataDir, NODE_ID, Uuid.randomUuid().toString(), transactionVersion);
    }

    /**
     * {@code transaction.version} 2 (KIP-890) is the Formatter's default for 4.4's latest production
     * metadata version, but patchbay depends on it, so it is asked for by name: at level 2 the
     * partition's leader adds the partition to the transaction itself before it takes a write, and
     * every transaction ends with an epoch bump that fences a late write of an ended one. Both close
     * ways of leaving a transaction open on a partition that no coordinator will ever end.
     */
    private static void format(Path dataDir, int nodeId, String clusterId, short transactionVersion) throws IOException {
        var out = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setFeatureLevel(TransactionVersion.FEATURE_NAME, transactionVersion)
                    .run();
            LOG.info("formatted the Kafka log directory {} at metadata.version {} and {} {}", dataDir,
                    MetadataVersion.latestProduction(), TransactionVersion.FEATURE_NAME, transactionVersion);
        } catch (Exception e) {
            throw new IOException("cannot format the Kafka log directory " + dataDir + ": " + e.getMessage()
                    + " " + out.toString(StandardCharsets.UTF_8), e);
        }
    }

    /**
     * A fatal broker fault calls Kafka's Exit.halt, which would kill every service in this JVM
     * without a word; log it loudly instead and let the services' own health show the damage.
     */
    private static void guardHostJvm() {
        Exit.setHaltProcedure((code, message) -> LOG.error("embedded Kafka asked to halt the JVM ({}): {}", code, message));
        Exit.setExitProcedure((code, message) -> LOG.error("embedded Kafka asked to exit the JVM ({}): {}", code, message));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        long began = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
    }
}
