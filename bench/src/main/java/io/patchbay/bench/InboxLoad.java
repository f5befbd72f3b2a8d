package io.patchbay.bench;

import io.patchbay.app.Role;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * P1: the inbox under {@value #CLIENTS} concurrent clients, each posting patches one after the other
 * and timing the 202, beside as many threads each sending the same bodies synchronously with
 * {@code acks=all}. The inbox runs alone (no executor), so the patches only pile up as commands.
 */
final class InboxLoad {

    static final int CLIENTS = 64;

    record Result(Stats inbox, double inboxRate, Stats raw, double rawRate) {
        List<Figure> figures() {
            String m = CLIENTS + " concurrent clients, ";
            return List.of(
                    Figure.ofTimes("P1", m + "HTTP 202 p50", inbox.p50(), raw.p50(), "raw acks=all send p50", "ms"),
                    Figure.ofTimes("P1", m + "HTTP 202 p99", inbox.p99(), raw.p99(), "raw acks=all send p99", "ms"),
                    Figure.ofRates("P1", m + "throughput", inboxRate, rawRate, "raw acks=all sends", "req/s"));
        }
    }

    private InboxLoad() {}

    static Result run(String bootstrap, Path home, int perClient) throws Exception {
        Stats[] raw = new Stats[1];
        double rawRate = timed(perClient, null, raw, bootstrap);
        Stats[] inbox = new Stats[1];
        double inboxRate;
        try (BenchNode node = BenchNode.start(bootstrap, home, null, EnumSet.of(Role.INGEST), Map.of())) {
            inboxRate = timed(perClient, node, inbox, bootstrap);
        }
        return new Result(inbox[0], inboxRate, raw[0], rawRate);
    }

    static String body(int client, int i) {
        return "{\"domain\":\"main\",\"title\":\"load " + client + "-" + i + "\",\"files\":[{\"path\":\"load/" + client
                + "-" + i + ".txt\",\"content\":\"" + i + "\\n\"}]}";
    }

    /** Runs {@value #CLIENTS} clients against the inbox (node given) or raw Kafka (node null); returns requests/s. */
    private static double timed(int perClient, BenchNode node, Stats[] out, String bootstrap)
            throws Exception {
        KafkaProducer<byte[], byte[]> producer = null;
        if (node == null) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("bench.inbox-floor", 3, (short) 1))).all().get();
            }
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            // Not idempotent: under 64 threads on a loaded machine its sequence numbers broke the floor's run
            // (OutOfOrderSequenceException), and the floor is about acks=all round trips, not ordering.
            pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
            pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        }
        KafkaProducer<byte[], byte[]> p = producer;
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            // A short warm-up on every client, not counted.
            runAll(pool, perClient, Math.max(2, perClient / 10), node, p, null);
            long t0 = System.nanoTime();
            runAll(pool, perClient, 0, node, p, latencies);
            double seconds = (System.nanoTime() - t0) / 1e9;
            out[0] = Stats.ofNanos(latencies);
            return latencies.size() / seconds;
        } finally {
            pool.shutdownNow();
            if (producer != null) {
                producer.close();
            }
        }
    }

    private static void runAll(ExecutorService pool, int perClient, int warmUp, BenchNode node,
            KafkaProducer<byte[], byte[]> producer, List<Long> latencies) throws Exception {
        int count = latencies == null ? warmUp : perClient;
        List<Future<Void>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Callable<Void> task = () -> {
                for (int i = 0; i < count; i++) {
                    String body = body(client, latencies == null ? -1 - i : i);
                    long t = System.nanoTime();
                    if (node != null) {
                        node.submit(body);
                    } else {
                        producer.send(new ProducerRecord<>("bench.inbox-floor", body.getBytes(StandardCharsets.UTF_8)))
                                .get();
                    }
                    if (latencies != null) {
                        latencies.add(System.nanoTime() - t);
                    }
                }
                return null;
            };
            futures.add(pool.submit(task));
        }
        for (Future<Void> f : futures) {
            f.get();
        }
    }
}
