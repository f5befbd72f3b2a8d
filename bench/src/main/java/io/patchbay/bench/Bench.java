package io.patchbay.bench;

import io.patchbay.app.EmbeddedKafka;
import io.patchbay.app.Patchbay;
import io.patchbay.app.PatchbayConfig;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.KafkaCommandPublisher;
import io.patchbay.ingest.SpoolWatcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * patchbay's latency and throughput beside raw Kafka's, on one embedded broker in one run, so
 * that the figures are read as ratios: the machine's noise hits both sides alike.
 *
 * <ol>
 *   <li>raw Kafka: one record produced ({@code acks=all}) and consumed, one at a time;</li>
 *   <li>patchbay: one patch submitted over HTTP until its Succeeded event is read, one at a time;</li>
 *   <li>spool backlog: N files waiting at start, drained to Kafka, beside N synchronous raw sends;
 *       with {@code --spool-only}, this one only;</li>
 *   <li>the worker alone on a real-size tree beside a shell loop of git ({@link WorkerBench}), and on a
 *       real repository's own history when {@value HistoryBench#ENV} names one ({@link HistoryBench});
 *       with {@code --worker-only}, these only;</li>
 *   <li>the measures of {@link Measures} (P1, P2b, P3, P4, P5, P7), each beside its floor.</li>
 * </ol>
 */
public final class Bench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        List<String> flags = List.of("--quick", "--write-readme", "--worker-only", "--spool-only", "--crash-only");
        boolean quick = List.of(args).contains("--quick");
        boolean writeReadme = List.of(args).contains("--write-readme");
        // The worker against a real-size tree and its git floor only: no broker, done in seconds.
        boolean workerOnly = List.of(args).contains("--worker-only");
        // The spool beside raw sends only (P6): the broker, no patchbay, done in seconds.
        boolean spoolOnly = List.of(args).contains("--spool-only");
        // R1, R2 only: back after a crash with a long log (a patchbay up of its own, killed and started again).
        boolean crashOnly = List.of(args).contains("--crash-only");
        args = Stream.of(args).filter(a -> !flags.contains(a)).toArray(String[]::new);
        Map<String, Integer> opts = new java.util.HashMap<>(quick
                ? Map.of("--round-trips", 100, "--patches", 20, "--spool-files", 1000, "--events", 50_000,
                        "--burst", 30, "--inbox-requests", 10, "--health-requests", 300, "--slack-events", 200)
                : Map.of("--round-trips", 1000, "--patches", 200, "--spool-files", 10_000, "--events", 1_000_000,
                        "--burst", 300, "--inbox-requests", 50, "--health-requests", 2000, "--slack-events", 1000));
        opts.putAll(quick ? Map.of("--tree-files", 1000, "--tree-commits", 100, "--tree-patches", 50)
                : Map.of("--tree-files", 5000, "--tree-commits", 1000, "--tree-patches", 200));
        opts.put("--crash-events", quick ? 20_000 : 100_000);
        for (int i = 0; i < args.length; i += 2) {
            if (!opts.containsKey(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + flags + " "
                        + opts.keySet());
            }
            opts.put(args[i], Integer.parseInt(args[i + 1]));
        }
        Path dir = Files.createTempDirectory("patchbay-bench");
        var report = new StringBuilder("# patchbay bench\n\n");
        report.append("Java ").append(System.getProperty("java.version")).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
        if (crashOnly) {
            CrashRestart.Result r = CrashRestart.run(dir, opts.get("--crash-events"), 200);
            report.append(r.markdown()).append("\n## Beside the floor\n\n").append(Figure.table(r.figures()));
            finish(report);
            return;
        }
        if (spoolOnly) {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
                createRawTopic(kafka.bootstrapServers());
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                    // As patchbay up creates it for the full run (PatchbayConfig's default partitions).
                    admin.createTopics(List.of(new NewTopic(Topics.COMMANDS, 3, (short) 1))).all().get();
                }
                Figure p6 = spoolBacklog(kafka.bootstrapServers(), dir, opts.get("--spool-files"), report);
                report.append("\n## Pace beside the floor\n\n").append(Figure.table(List.of(p6)));
            }
            finish(report);
            return;
        }
        report.append(WorkerBench.run(dir.resolve("worker"), opts.get("--tree-files"), opts.get("--tree-commits"),
                opts.get("--tree-patches")).markdown());
        String history = System.getenv(HistoryBench.ENV);
        if (history != null && !history.isBlank()) {
            // A real repository's own history on its real tree; the machine has one only if someone put it there.
            report.append(HistoryBench.run(Path.of(history), dir.resolve("history"), quick ? 100 : 400).markdown());
        }
        if (workerOnly) {
            finish(report);
            return;
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            Stats raw = rawRoundTrips(kafka.bootstrapServers(), opts.get("--round-trips"));
            Stats pb = patchbayRoundTrips(kafka.bootstrapServers(), dir.resolve("home"), opts.get("--patches"));
            report.append("## One at a time: submit to result\n\n").append(Stats.header()).append('\n')
                    .append(raw.row("raw Kafka produce → consume")).append('\n')
                    .append(pb.row("patchbay HTTP 202 → Succeeded event")).append('\n')
                    .append(String.format("%nRatio patchbay / raw Kafka: p50 %.0f×, p99 %.0f×%n%n", pb.p50() / raw.p50(),
                            pb.p99() / raw.p99()));
            List<Figure> figures = new ArrayList<>();
            figures.add(Figure.ofTimes("P2", "one at a time, HTTP 202 → Succeeded event, p50", pb.p50(), raw.p50(),
                    "raw produce → consume p50", "ms"));
            figures.addAll(Measures.run(kafka.bootstrapServers(), dir, opts));

            figures.add(spoolBacklog(kafka.bootstrapServers(), dir, opts.get("--spool-files"), report));
            String table = Figure.table(figures);
            report.append("\n## Pace beside the floor\n\n").append(table);
            if (writeReadme) {
                ReadmeTable.write(Path.of("README.md"), Measures.caption(quick) + table);
            }
        }
        finish(report);
    }

    /** P6: the spool draining a backlog of {@code files} beside as many synchronous raw sends of the same bodies. */
    private static Figure spoolBacklog(String bootstrap, Path dir, int files, StringBuilder report) throws Exception {
        double rawRate = rawSyncSends(bootstrap, files);
        double spoolRate = spoolDrain(bootstrap, dir.resolve("spool-home"), files);
        report.append("## Spool backlog of ").append(files).append(" files\n\n")
                .append("| series | records/s |\n|---|---|\n")
                .append(String.format("| raw Kafka, synchronous sends of the same bodies | %.0f |%n", rawRate))
                .append(String.format("| spool drain to Kafka (read, move, publish, receipt) | %.0f |%n", spoolRate))
                .append(String.format("%nRatio spool / raw Kafka: %.2f%n", spoolRate / rawRate));
        return Figure.ofRates("P6", "spool backlog of " + files + " files drained", spoolRate, rawRate,
                "raw synchronous sends", "files/s");
    }

    private static void createRawTopic(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("bench.raw", 1, (short) 1))).all().get();
        }
    }

    private static void finish(StringBuilder report) throws java.io.IOException {
        System.out.println(report);
        Path out = Path.of("bench/target/bench-report.md");
        if (Files.isDirectory(out.getParent())) {
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
    }

    private static Stats rawRoundTrips(String bootstrap, int n) throws Exception {
        createRawTopic(bootstrap);
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Long> nanos = new ArrayList<>();
        try (var producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
                var consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("bench.raw", 0);
            consumer.assign(List.of(tp));
            consumer.seekToEnd(List.of(tp));
            consumer.position(tp);
            byte[] body = new byte[300];
            for (int i = 0; i < n + 50; i++) {
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>("bench.raw", body)).get();
                int got = 0;
                while (got == 0) {
                    got = consumer.poll(Duration.ofMillis(100)).count();
                }
                if (i >= 50) {
                    nanos.add(System.nanoTime() - t0);
                }
            }
        }
        return Stats.ofNanos(nanos);
    }

    private static Stats patchbayRoundTrips(String bootstrap, Path home, int n) throws Exception {
        // A token of its own whose request budget does not throttle the benchmark.
        String token = "pb_bench-" + System.nanoTime();
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), "tokens:\n  - {name: bench, sha256: "
                + Json.sha256Hex(token) + ", domains: [\"*\"], requestsPerMinute: 1000000}\n");
        PatchbayConfig config = new PatchbayConfig(home, "127.0.0.1", 0, 0, bootstrap, null, 3, (short) 1);
        try (Patchbay patchbay = Patchbay.start(config)) {
            String base = "http://127.0.0.1:" + patchbay.httpPort();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (get(base + "/health/ready") != 200 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Map<String, Long> succeededAt = new ConcurrentHashMap<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread reader = new Thread(() -> readSucceeded(bootstrap, succeededAt, reading), "bench-events");
            reader.start();
            List<Long> nanos = new ArrayList<>();
            for (int i = 0; i < n + 10; i++) {
                String body = "{\"domain\":\"" + (i % 2 == 0 ? "main" : "ops") + "\",\"title\":\"bench " + i
                        + "\",\"files\":[{\"path\":\"bench/" + i + ".txt\",\"content\":\"" + i + "\\n\"}]}";
                long t0 = System.nanoTime();
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/patches"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 202) {
                    throw new IllegalStateException("the inbox answered " + r.statusCode() + ": " + r.body());
                }
                String id = Json.mapper().readTree(r.body()).path("id").asText();
                while (!succeededAt.containsKey(id)) {
                    Thread.onSpinWait();
                }
                if (i >= 10) {
                    nanos.add(succeededAt.get(id) - t0);
                }
            }
            reading.set(false);
            reader.join();
            return Stats.ofNanos(nanos);
        }
    }

    private static void readSucceeded(String bootstrap, Map<String, Long> succeededAt, AtomicBoolean reading) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var consumer = new KafkaConsumer<>(cp, Topics.KEY.deserializer(), Topics.EVENT.deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            while (reading.get()) {
                for (var rec : consumer.poll(Duration.ofMillis(20))) {
                    Event e = rec.value();
                    if ("Succeeded".equals(e.type())) {
                        succeededAt.put(e.patchId(), System.nanoTime());
                    }
                }
            }
        }
    }

    private static int get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static byte[] spoolBody(int i) {
        return ("{\"title\":\"spool " + i + "\",\"files\":[{\"path\":\"spool/" + i + ".txt\",\"content\":\"" + i
                + "\\n\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static double rawSyncSends(String bootstrap, int n) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (var producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>("bench.raw", spoolBody(i))).get();
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static double spoolDrain(String bootstrap, Path home, int n) throws Exception {
        var contract = ContractLoader.loadDefault();
        SpoolWatcher.Config config = SpoolWatcher.Config.forContract(home.resolve("spool"), contract)
                .withPollInterval(Duration.ofMillis(50));
        Path incoming = config.folder("main", SpoolWatcher.INCOMING);
        Path accepted = config.folder("main", SpoolWatcher.ACCEPTED);
        Files.createDirectories(incoming);
        for (int i = 0; i < n; i++) {
            Files.write(incoming.resolve("p-" + i + ".json"), spoolBody(i));
        }
        try (var publisher = new KafkaCommandPublisher(bootstrap); var spool = new SpoolWatcher(config, publisher)) {
            long t0 = System.nanoTime();
            spool.start();
            // One look per file, each file looked for until it is there: listing a folder of
            // thousands of files in a loop would take a core from the spool it measures.
            for (int i = 0; i < n; i++) {
                while (!Files.exists(accepted.resolve("p-" + i + ".json"))) {
                    Thread.sleep(1);
                }
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
