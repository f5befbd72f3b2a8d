package io.patchbay.app;

import io.patchbay.contracts.policy.ContractException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code patchbay up}: every service in one process, on the embedded broker unless told otherwise. */
@Command(name = "up", description = "Start patchbay: Kafka (embedded unless --kafka-bootstrap), inbox, spool, executor, watchdog and health.")
class UpCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

    /** The services this command runs. */
    Set<Role> roles() {
        return EnumSet.allOf(Role.class);
    }

    /** Whether this command may start the embedded broker; a single service needs a real cluster. */
    boolean mayEmbedKafka() {
        return true;
    }

    @Option(names = "--home", description = "Folder holding var/ (default: $PATCHBAY_HOME or the current folder).")
    Path home = Path.of(env("PATCHBAY_HOME", "."));

    @Option(names = "--host", description = "Address to bind the HTTP server (default: ${DEFAULT-VALUE}).")
    String host = env("PATCHBAY_HOST", "127.0.0.1");

    @Option(names = "--port", description = "HTTP port for inbox, API and health (default: ${DEFAULT-VALUE}).")
    int port = Integer.parseInt(env("PATCHBAY_PORT", "8080"));

    @Option(names = "--kafka-port", description = "Port of the embedded Kafka broker (default: ${DEFAULT-VALUE}).")
    int kafkaPort = Integer.parseInt(env("PATCHBAY_KAFKA_PORT", "9092"));

    @Option(names = "--kafka-bootstrap", description = "Use this Kafka cluster instead of the embedded broker.")
    String kafkaBootstrap = System.getenv("PATCHBAY_KAFKA_BOOTSTRAP");

    @Option(names = "--contract", description = "The execution contract (default: contracts/sot/execution-contract.yml).")
    Path contract = System.getenv("PATCHBAY_CONTRACT") == null ? null : Path.of(System.getenv("PATCHBAY_CONTRACT"));

    @Option(names = "--partitions", description = "Partitions per topic when creating topics (default: ${DEFAULT-VALUE}).")
    int partitions = Integer.parseInt(env("PATCHBAY_PARTITIONS", "3"));

    @Option(names = "--max-record-bytes", description = "The largest Kafka record patchbay writes; every size limit "
            + "derives from it (default: $PATCHBAY_MAX_RECORD_BYTES or 8 MiB).")
    Integer maxRecordBytes;

    @Option(names = "--replication-factor", description = "Replicas per topic when creating topics (default: ${DEFAULT-VALUE}).")
    short replicationFactor = Short.parseShort(env("PATCHBAY_REPLICATION_FACTOR", "1"));

    @Override
    public Integer call() throws Exception {
        long began = System.nanoTime();
        if (!mayEmbedKafka() && (kafkaBootstrap == null || kafkaBootstrap.isBlank())) {
            System.err.println("patchbay: a single service runs against a Kafka cluster: give --kafka-bootstrap or set PATCHBAY_KAFKA_BOOTSTRAP");
            return 2;
        }
        var config = new PatchbayConfig(home, host, port, kafkaPort, kafkaBootstrap, contract, partitions, replicationFactor,
                roles());
        Patchbay patchbay;
        try {
            var environment = new java.util.HashMap<>(System.getenv());
            if (maxRecordBytes != null) {
                environment.put(io.patchbay.contracts.topic.RecordLimits.ENV, String.valueOf(maxRecordBytes));
            }
            patchbay = Patchbay.start(config, environment);
        } catch (ContractException e) {
            System.err.println("patchbay: the execution contract is not valid: " + e.getMessage());
            return 2;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            patchbay.close();
            stopped.countDown();
        }, "patchbay-shutdown"));
        announce(patchbay, began, System.out::println, System.err);
        stopped.await();
        return 0;
    }

    /**
     * Hands the banner over once patchbay is ready, naming how long start-up took: where this process
     * serves {@code /health/ready} (it runs the watchdog), once that answers 200; elsewhere at once.
     *
     * @param began {@link System#nanoTime()} when start-up began
     * @param progress where to say what start-up still waits for
     */
    static void announce(Patchbay patchbay, long began, java.util.function.Consumer<String> banner,
            java.io.PrintStream progress) throws InterruptedException {
        boolean servesReadiness = patchbay.config().runs(Role.WATCHDOG) && patchbay.httpPort() > 0;
        if (servesReadiness) {
            new Readiness(patchbay.config().host(), patchbay.httpPort(), progress).await();
        }
        banner.accept(patchbay.banner(java.time.Duration.ofNanos(System.nanoTime() - began), servesReadiness));
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
