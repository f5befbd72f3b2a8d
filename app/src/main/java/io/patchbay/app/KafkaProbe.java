package io.patchbay.app;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster for its nodes every few seconds and remembers whether it answered, so that
 * {@code /health} can say "Kafka unreachable" without waiting on the network itself.
 */
final class KafkaProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProbe.class);

    private final Admin admin;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-kafka-probe");
        t.setDaemon(true);
        return t;
    });

    KafkaProbe(String bootstrapServers, Duration every) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000",
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000"));
        timer.scheduleWithFixedDelay(this::probe, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        boolean ok;
        try {
            ok = !admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            ok = false;
        }
        if (reachable.getAndSet(ok) != ok) {
            if (ok) {
                LOG.info("Kafka is reachable again");
            } else {
                LOG.warn("Kafka is unreachable");
            }
        }
    }

    boolean reachable() {
        return reachable.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
