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
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
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
        guardHostJvm();
        Files.createDirectories(dataDir);
        int[] free = FreePorts.pick(2);
        int brokerPort = port == 0 ? free[0] : port;
        int controllerPort = port == free[1] ? free[0] : free[1];
        Properties props = new Properties();
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        // One node: every internal topic has one replica, or EOS initTransactions() hangs.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "3");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
        props.put("message.max.bytes", String.valueOf(limits.maxRecordBytes()));
        props.put("replica.fetch.max.bytes", String.valueOf(limits.maxRecordBytes()));

        KafkaConfig config = new KafkaConfig(props, false);
        formatIfNew(dataDir);
        long began = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        String bootstrap = "127.0.0.1:" + brokerPort;
        LOG.info("Kafka broker up at {} in {} ms, log in {}", bootstrap, (System.nanoTime() - began) / 1_000_000, dataDir);
        return new EmbeddedKafka(server, bootstrap, dataDir);
    }

    private static void formatIfNew(Path dataDir) throws IOException {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        var out = new ByteArrayOutputStream();
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .run();
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
