package io.patchbay.bench;

import io.javalin.Javalin;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.health.HealthRoutes;
import io.patchbay.watchdog.Watchdog;
import io.patchbay.watchdog.WatchdogConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * P3 and P4: fills {@code patchbay.events} up to a number of events, then times a fresh watchdog
 * (an application id of its own, so it starts from the first offset with empty stores) until its
 * views show the last event of every synthetic domain, beside a plain consumer reading the same
 * log; then serves those views with patchbay's health routes and times {@code GET /health} beside
 * {@code GET /health/live} of the same server (which reads no view).
 */
final class LogRebuild {

    record Result(long events, double rebuildMs, double rawReadMs, Stats health, Stats live) {
        Figure rebuild() {
            return Figure.ofRates("P3", "watchdog rebuilds its views from " + events + " events", events / (rebuildMs
                    / 1000), events / (rawReadMs / 1000), "plain KafkaConsumer reading them", "events/s");
        }

        Figure healthFigure() {
            return Figure.ofTimes("P4", "GET /health p99 with " + events + " events in the log", health.p99(),
                    live.p99(), "GET /health/live p99, same server", "ms");
        }
    }

    private LogRebuild() {}

    /** Brings the log to at least {@code events} events and measures the rebuild and /health there. */
    static Result run(String bootstrap, Path stateDir, EventFlood flood, long events, int healthRequests)
            throws Exception {
        long present = readAll(bootstrap);
        if (present < events) {
            flood.write(events - present);
        }
        long t0 = System.nanoTime();
        long total = readAll(bootstrap);
        double rawMs = (System.nanoTime() - t0) / 1e6;

        ExecutionContract contract = ContractLoader.loadDefault();
        Watchdog watchdog = new Watchdog(new WatchdogConfig(bootstrap, "bench-watchdog-" + total + "-" + System.nanoTime(),
                stateDir, 1, null, RecordLimits.DEFAULT), Clock.systemUTC(), () -> contract);
        try {
            long t1 = System.nanoTime();
            watchdog.start();
            awaitCaughtUp(watchdog, flood.lastSeqs(), Duration.ofMinutes(30));
            double rebuildMs = (System.nanoTime() - t1) / 1e6;
            Javalin http = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                cfg.jetty.host = "127.0.0.1";
                cfg.jetty.port = 0;
                new HealthRoutes(watchdog, () -> contract, Map.of("watchdog", watchdog::isRunning))
                        .addRoutes(cfg.routes);
            });
            http.start();
            try {
                String base = "http://127.0.0.1:" + http.port();
                Stats health = time(base + "/health", healthRequests);
                Stats live = time(base + "/health/live", healthRequests);
                return new Result(total, rebuildMs, rawMs, health, live);
            } finally {
                http.stop();
            }
        } finally {
            watchdog.close(Duration.ofSeconds(5));
        }
    }

    private static Stats time(String url, int n) {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < n + Math.max(10, n / 10); i++) {
            long t = System.nanoTime();
            if (BenchNode.get(url) < 0) {
                throw new IllegalStateException(url + " did not answer");
            }
            if (i >= Math.max(10, n / 10)) {
                nanos.add(System.nanoTime() - t);
            }
        }
        return Stats.ofNanos(nanos);
    }

    private static void awaitCaughtUp(Watchdog watchdog, Map<String, Long> lastSeqs, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Long> seen = new HashMap<>();
            for (DomainView d : watchdog.domains()) {
                seen.put(d.domain(), d.lastSeq());
            }
            if (lastSeqs.entrySet().stream().allMatch(e -> e.getValue().equals(seen.get(e.getKey())))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the watchdog's views did not catch up within " + timeout + ": " + seen);
            }
            Thread.sleep(20);
        }
    }

    /** Reads every committed event from the first offset to the end; returns how many there were. */
    static long readAll(String bootstrap) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (var consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long count = 0;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                count += consumer.poll(Duration.ofMillis(100)).count();
            }
            return count;
        }
    }
}
