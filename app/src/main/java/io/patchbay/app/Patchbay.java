package io.patchbay.app;

import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.executor.decider.Decider;
import io.patchbay.executor.decider.DeciderConfig;
import io.patchbay.executor.worker.PatchRunner;
import io.patchbay.executor.worker.Worker;
import io.patchbay.executor.worker.WorkerConfig;
import io.patchbay.executor.worker.Workspaces;
import io.patchbay.health.HealthRoutes;
import io.patchbay.ingest.HttpInbox;
import io.patchbay.ingest.KafkaCommandPublisher;
import io.patchbay.ingest.SpoolWatcher;
import io.patchbay.watchdog.Watchdog;
import io.patchbay.watchdog.WatchdogConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every patchbay service in one process: the broker (embedded unless an external cluster is
 * configured), the topics, the executor's decider and worker, the watchdog, and one HTTP server
 * for the inbox, the read API and health, plus the spool watcher. Start-up code only; the logic
 * lives in the modules.
 */
public final class Patchbay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Patchbay.class);
    private static final String TOKEN_NAME = "local";

    private final PatchbayConfig config;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final AtomicReference<ExecutionContract> contract = new AtomicReference<>();
    private EmbeddedKafka kafka;
    private String bootstrap;
    private String token;
    private Path contractSource;
    private Javalin http;
    private Watchdog watchdog;

    private Patchbay(PatchbayConfig config) {
        this.config = config;
    }

    /** Starts everything, or stops what it started and throws. */
    public static Patchbay start(PatchbayConfig config) throws Exception {
        Patchbay p = new Patchbay(config);
        try {
            p.startAll();
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        long began = System.nanoTime();
        Path var = config.var();
        Files.createDirectories(var);
        contract.set(loadContract());
        LOG.info("execution contract {} (version {}, sha256 {})", contractSource == null ? "built-in" : contractSource,
                contract.get().version(), contract.get().hash().substring(0, 12));
        token = SubmitToken.loadOrCreate(var.resolve("secrets/submit-token"));

        if (config.embeddedKafka()) {
            kafka = EmbeddedKafka.start(var.resolve("kafka"), config.kafkaPort());
            running.push(kafka);
            bootstrap = kafka.bootstrapServers();
        } else {
            bootstrap = config.externalBootstrap();
        }
        TopicSetup.ensure(bootstrap, config.partitions(), config.replicationFactor());
        KafkaProbe probe = new KafkaProbe(bootstrap, Duration.ofSeconds(5));
        running.push(probe);

        Workspaces.ensure(contract.get(), config.home());
        String node = NodeId.loadOrCreate(var.resolve("node-id"));

        Decider decider = new Decider(new DeciderConfig(bootstrap, null, var.resolve("streams"),
                config.replicationFactor(), 1, "decider-" + node), contract::get, Clock.systemUTC());
        decider.start();
        running.push(() -> decider.close(Duration.ofSeconds(5)));

        Worker worker = new Worker(new WorkerConfig(bootstrap, config.home(), "worker-" + node),
                contract::get, Clock.systemUTC());
        worker.start();
        running.push(() -> worker.close(Duration.ofSeconds(5)));

        watchdog = new Watchdog(new WatchdogConfig(bootstrap, "patchbay-watchdog", var.resolve("streams"),
                config.replicationFactor(), "watchdog-" + node), Clock.systemUTC(), contract::get);
        watchdog.start();
        running.push(() -> watchdog.close(Duration.ofSeconds(5)));

        KafkaCommandPublisher publisher = new KafkaCommandPublisher(bootstrap);
        running.push(publisher::close);

        SpoolWatcher spool = new SpoolWatcher(SpoolWatcher.Config.forContract(var.resolve("spool"), contract.get()), publisher);
        spool.start();
        running.push(spool::close);

        Map<String, BooleanSupplier> services = new LinkedHashMap<>();
        services.put("kafka", probe::reachable);
        services.put("decider", decider::isRunning);
        services.put("worker", worker::isRunning);
        services.put("watchdog", watchdog::isRunning);
        services.put("spool", spool::isRunning);
        HealthRoutes health = new HealthRoutes(watchdog, contract::get, services);
        HttpInbox inbox = new HttpInbox(HttpInbox.Config.of(Map.of(TOKEN_NAME, Json.sha256Hex(token))), publisher);

        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.httpPort();
            inbox.addRoutes(cfg.routes);
            health.addRoutes(cfg.routes);
            cfg.routes.get("/v1/patches/{id}/summary", ctx -> {
                Optional<String> summary = summaryOf(ctx.pathParam("id"));
                if (summary.isPresent()) {
                    ctx.contentType("text/markdown; charset=utf-8").result(summary.get());
                } else {
                    ctx.status(404).contentType("application/problem+json").result(Json.canonical(Map.of(
                            "type", "about:blank", "title", "No summary", "status", 404,
                            "detail", "patch " + ctx.pathParam("id") + " has no summary yet")));
                }
            });
        });
        http.start();
        running.push(http::stop);
        LOG.info("patchbay up in {} ms", (System.nanoTime() - began) / 1_000_000);
    }

    private ExecutionContract loadContract() {
        Path file = config.contractFile();
        if (file == null) {
            Path inRepo = config.home().resolve("contracts/sot/execution-contract.yml");
            file = Files.isRegularFile(inRepo) ? inRepo : null;
        }
        contractSource = file;
        return file == null ? ContractLoader.loadDefault() : ContractLoader.load(file);
    }

    private Optional<String> summaryOf(String patchId) throws IOException {
        Optional<PatchView> view = watchdog.patch(patchId);
        if (view.isEmpty()) {
            return Optional.empty();
        }
        Path file = config.home().resolve(PatchRunner.summaryPath(view.get().domain(), patchId)).normalize();
        if (!file.startsWith(config.var()) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    }

    public int httpPort() {
        return http.port();
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    public String token() {
        return token;
    }

    public ExecutionContract contract() {
        return contract.get();
    }

    public PatchbayConfig config() {
        return config;
    }

    /** What a person needs to know after {@code patchbay up}. */
    public String banner() {
        String base = "http://" + ("0.0.0.0".equals(config.host()) ? "localhost" : config.host()) + ":" + httpPort();
        var b = new StringBuilder();
        b.append("\npatchbay is up\n");
        b.append("  inbox       POST ").append(base).append("/v1/patches\n");
        b.append("  health      ").append(base).append("/health\n");
        b.append("  patches     ").append(base).append("/v1/patches/{id}\n");
        b.append("  kafka       ").append(bootstrap).append(config.embeddedKafka() ? " (embedded, log in var/kafka)" : "").append('\n');
        b.append("  spool       ").append(config.var().resolve("spool")).append("/<domain>/incoming/\n");
        b.append("  workspaces  ").append(config.var().resolve("workspaces")).append('\n');
        b.append("  summaries   ").append(config.var().resolve("summaries")).append('\n');
        b.append("  contract    ").append(contractSource == null ? "built-in default" : contractSource)
                .append(" (version ").append(contract.get().version()).append(", domains ")
                .append(String.join(", ", contract.get().domains().keySet())).append(")\n");
        b.append("  token       ").append(token).append("   (also in var/secrets/submit-token)\n\n");
        b.append("  curl -H \"Authorization: Bearer $(cat var/secrets/submit-token)\" -H 'Content-Type: application/json' \\\n");
        b.append("       --data @patch.json ").append(base).append("/v1/patches\n");
        b.append("\nCtrl-C stops it.\n");
        return b.toString();
    }

    /** Stops everything in reverse order of start; safe to call more than once. */
    @Override
    public synchronized void close() {
        long began = System.nanoTime();
        while (!running.isEmpty()) {
            AutoCloseable c = running.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
        LOG.info("patchbay stopped in {} ms", (System.nanoTime() - began) / 1_000_000);
    }
}
