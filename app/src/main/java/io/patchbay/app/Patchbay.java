package io.patchbay.app;

import io.javalin.Javalin;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.StandbyReplicas;
import io.patchbay.contracts.topic.TransactionJanitor;
import io.patchbay.contracts.policy.RubricLoader;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.executor.decider.Decider;
import io.patchbay.executor.decider.DeciderConfig;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxReport;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.worker.PatchRunner;
import io.patchbay.executor.worker.Worker;
import io.patchbay.executor.worker.WorkerConfig;
import io.patchbay.executor.worker.Workspaces;
import io.patchbay.health.HealthRoutes;
import io.patchbay.health.ServiceProgress;
import io.patchbay.health.Metrics;
import io.patchbay.contracts.policy.ContractWatcher;
import org.apache.kafka.streams.KafkaStreams;
import io.patchbay.ingest.HttpInbox;
import io.patchbay.ingest.IdempotencyStore;
import io.patchbay.ingest.SharedAnswers;
import io.patchbay.ingest.InboxToken;
import io.patchbay.ingest.InboxTokens;
import io.patchbay.ingest.Scope;
import io.patchbay.ingest.OperatorRoutes;
import io.patchbay.ingest.slack.DigestPoster;
import io.patchbay.ingest.slack.SlackDeliveryClaim;
import io.patchbay.ingest.slack.SlackService;
import io.patchbay.ingest.slack.SlackSettings;
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
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every patchbay service in one process: the broker (embedded unless an external cluster is
 * configured), the topics, the executor's decider and worker, the watchdog, and one HTTP server
 * for the inbox, the read API and health, plus the spool watcher. Start-up code only; the logic
 * lives in the modules.
 *
 * <p>Why one class over ~300 lines: it is the one place where the services meet, each built from
 * the environment and handed what it needs of the others, and started and stopped in one order.
 */
public final class Patchbay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Patchbay.class);
    private static final String TOKEN_NAME = "local";

    private final PatchbayConfig config;
    private final Map<String, String> env;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private final AtomicReference<ExecutionContract> contract = new AtomicReference<>();
    private EmbeddedKafka kafka;
    private String bootstrap;
    private String token;
    private Path contractSource;
    private Javalin http;
    private Watchdog watchdog;
    private SlackService slack;
    private Metrics metrics;
    private OperatorRoutes operator;
    private volatile DigestPoster digestPoster;
    private KafkaStreams deciderStreams;
    /** What the executor found about its command sandbox at start; null where this node runs no executor. */
    private volatile SandboxStatus sandbox;
    /** The largest record, from {@code PATCHBAY_MAX_RECORD_BYTES}; lowered at start to what an external cluster takes. */
    private RecordLimits limits;
    /** The port the HTTP server binds: the configured one, or one picked at start for port 0. */
    private int httpPort;
    /** Aborts transactions a crash left hanging on patchbay's partitions; null where no executor or watchdog runs. */
    private TransactionJanitor transactionJanitor;

    private Patchbay(PatchbayConfig config, Map<String, String> env) {
        this.config = config;
        this.env = Map.copyOf(env);
    }

    /** Starts everything, or stops what it started and throws. */
    public static Patchbay start(PatchbayConfig config) throws Exception {
        return start(config, System.getenv());
    }

    /**
     * Starts everything, reading the secrets and settings that come from the environment
     * ({@code PATCHBAY_TOKENS}, {@code PATCHBAY_SLACK_*} or Bolt's {@code SLACK_*}, {@code PATCHBAY_MAX_RECORD_BYTES},
     * {@code PATCHBAY_BWRAP}, {@code PATCHBAY_STANDBY_REPLICAS}, {@code PATCHBAY_DISPATCH_WINDOW}, {@code PATCHBAY_STALL_BOUND},
     * {@code PATCHBAY_HANGING_TXN_GRACE}, {@code PATCHBAY_HANGING_TXN_INTERVAL},
     * {@code PATCHBAY_ADVERTISED_URL}: where other instances of a cluster reach this one's HTTP server,
     * {@code http://host:port}, by default the address it binds) from {@code env} instead of the process's own.
     */
    public static Patchbay start(PatchbayConfig config, Map<String, String> env) throws Exception {
        Patchbay p = new Patchbay(config, env);
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
        limits = RecordLimits.fromEnv(env);
        StallBounds stallBounds = StallBounds.fromEnv(env);
        int standbys = StandbyReplicas.from(env, config.replicationFactor());
        contract.set(loadContract());
        LOG.info("execution contract {} (version {}, sha256 {})", contractSource == null ? "built-in" : contractSource,
                contract.get().version(), contract.get().hash().substring(0, 12));
        token = SubmitToken.loadOrCreate(var.resolve("secrets/submit-token"));

        if (config.embeddedKafka()) {
            kafka = EmbeddedKafka.start(var.resolve("kafka"), config.kafkaPort(), limits);
            running.push(kafka);
            bootstrap = kafka.bootstrapServers();
        } else {
            bootstrap = config.externalBootstrap();
        }
        RecordLimits accepted = TopicSetup.ensure(bootstrap, config.partitions(), config.replicationFactor(), limits,
                config.embeddedKafka());
        if (!accepted.equals(limits)) {
            limits = accepted;
            // Check the contract again: a patchBytes the lower limit cannot carry must stop the start.
            contract.set(loadContract());
        }
        LOG.info("records up to {} bytes ({}), patches up to {} bytes", limits.maxRecordBytes(), RecordLimits.ENV,
                limits.maxPatchBytes());
        KafkaProbe probe = new KafkaProbe(bootstrap, Duration.ofSeconds(5));
        running.push(probe);
        if (config.runs(Role.EXECUTOR) || config.runs(Role.WATCHDOG)) {
            // Their read_committed readers and group offsets are what a hanging transaction blocks for ever.
            transactionJanitor = TransactionJanitor.start(bootstrap, List.of(DeciderConfig.DEFAULT_APPLICATION_ID,
                    WatchdogConfig.DEFAULT_APPLICATION_ID, WorkerConfig.DEFAULT_GROUP_ID),
                    TransactionJanitor.Settings.fromEnv(env), Clock.systemUTC());
            running.push(transactionJanitor);
        }

        String node = NodeId.loadOrCreate(var.resolve("node-id"));
        Map<String, BooleanSupplier> services = new LinkedHashMap<>();
        services.put("kafka", probe::reachable);
        watchContract();

        if (config.runs(Role.EXECUTOR)) {
            Workspaces.ensure(contract.get(), config.home());
            // Probed once: the decider rejects patches that need a sandbox this machine cannot make.
            // The worker launches with the same program the probe tried (PATCHBAY_BWRAP, else bwrap).
            Bubblewrap bubblewrap = Bubblewrap.fromEnv(env);
            sandbox = bubblewrap.probe();
            SandboxReport.log(contract.get(), sandbox);
            Decider decider = new Decider(new DeciderConfig(bootstrap, null, var.resolve("streams"),
                    config.replicationFactor(), 1, "decider-" + node, sandbox, limits, standbys,
                    DeciderConfig.windowFrom(env)), contract::get,
                    Clock.systemUTC());
            decider.start();
            running.push(() -> decider.close(Duration.ofSeconds(5)));
            services.put("decider", decider::isRunning);
            deciderStreams = decider.streams();

            Worker worker = new Worker(new WorkerConfig(bootstrap, config.home(), "worker-" + node, null, null, null,
                    limits),
                    contract::get, loadRubric(), Clock.systemUTC(), bubblewrap);
            worker.start();
            running.push(() -> worker.close(Duration.ofSeconds(5)));
            services.put("worker", worker::isRunning);
        }

        httpPort = config.httpPort();
        if (config.runs(Role.WATCHDOG)) {
            // Streams advertises where the other instances ask for what this one holds, before the server
            // starts, so port 0 is resolved to a free port here.
            httpPort = httpPort == 0 ? FreePorts.pick() : httpPort;
            AdvertisedUrl advertised = AdvertisedUrl.resolve(env, config.host(), httpPort);
            watchdog = new Watchdog(new WatchdogConfig(bootstrap, WatchdogConfig.DEFAULT_APPLICATION_ID, var.resolve("streams"),
                    config.replicationFactor(), "watchdog-" + node, limits, standbys, advertised.hostPort()),
                    Clock.systemUTC(), contract::get);
            LOG.info("the watchdog's views are asked of this instance at http://{}", advertised.hostPort());
            watchdog.start();
            running.push(() -> watchdog.close(Duration.ofSeconds(5)));
            services.put("watchdog", watchdog::isRunning);
        }

        HttpInbox inbox = null;
        if (config.runs(Role.INGEST)) {
            KafkaCommandPublisher publisher = new KafkaCommandPublisher(bootstrap, limits);
            running.push(publisher::close);
            SpoolWatcher spool = new SpoolWatcher(SpoolWatcher.Config.forContract(var.resolve("spool"), contract.get())
                    .withRecordLimits(limits),
                    publisher, Clock.systemUTC(), contract::get);
            spool.start();
            running.push(spool::close);
            services.put("spool", spool::isRunning);
            var tokens = new ArrayList<>(InboxTokens.load(var.resolve("secrets/tokens.yml"), env));
            if (tokens.stream().noneMatch(t -> t.name().equals(TOKEN_NAME))) {
                // The person who started patchbay runs it: the local token may do everything.
                tokens.add(InboxToken.anyDomain(TOKEN_NAME, Json.sha256Hex(token)).withScopes(Scope.ALL));
            }
            HttpInbox.Config inboxConfig = HttpInbox.Config.of(tokens).withRecordLimits(limits);
            // Read to the end before the inbox serves: a retry of a key answered before a restart, or
            // by another instance, is recognised from the first request on.
            SharedAnswers<IdempotencyStore.Entry> idempotency =
                    HttpInbox.idempotencyAnswers(bootstrap, inboxConfig, Clock.systemUTC());
            running.push(idempotency::close);
            idempotency.start(Duration.ofSeconds(30));
            inbox = new HttpInbox(inboxConfig, publisher, Clock.systemUTC(), contract::get);
            inbox.shareIdempotencyAnswers(idempotency);
            running.push(inbox::close);
            if (config.runs(Role.EXECUTOR)) {
                inbox.enableDryRun(new DryRun(contract::get, config.home(), Clock.systemUTC(), sandbox));
            }
            operator = new OperatorRoutes(inbox, publisher,
                    id -> watchdog == null ? Optional.empty() : watchdog.patch(id).map(PatchView::domain), Clock.systemUTC())
                    .withDigest(() -> Optional.ofNullable(digestPoster));
            Optional<SlackSettings> slackSettings =
                    SlackSettings.load(var.resolve("secrets/slack.yml"), env, var.resolve("slack"));
            if (slackSettings.isPresent()) {
                // Who may do what in Slack is the contract's, asked at each request, so a reload applies at once.
                slack = new SlackService(slackSettings.get().withRecordLimits(limits), contract::get, publisher,
                        Clock.systemUTC());
                // Read to the end before Slack is served: an event another instance took is left alone from the first delivery.
                SharedAnswers<SlackDeliveryClaim> deliveries = SlackService.deliveryAnswers(bootstrap, Clock.systemUTC());
                running.push(deliveries::close);
                deliveries.start(Duration.ofSeconds(30));
                slack.shareDeliveries(deliveries);
            }
        }

        if (watchdog != null) {
            // Each instance's metrics count what it holds; summed across instances they count everything.
            metrics = new Metrics(watchdog.local(), Clock.systemUTC());
            running.push(metrics);
            watchdog.streams().ifPresent(s -> metrics.bindStreams("watchdog", s));
            if (deciderStreams != null) {
                metrics.bindStreams("decider", deciderStreams);
            }
        }
        // A client in RUNNING may process nothing: whether the input moves is read from the groups' offsets.
        ProgressWatch progress = ProgressWatch.startFor(config.roles(), bootstrap, stallBounds, contract::get);
        if (progress != null) {
            running.push(progress);
        }
        if (inbox != null || watchdog != null) {
            HealthRoutes health = watchdog == null ? null : new HealthRoutes(watchdog, contract::get, services);
            if (health != null && progress != null) {
                progress.reportTo(health);
            }
            if (health != null && transactionJanitor != null) {
                // A hanging transaction the janitor could not abort holds every read_committed reader: unhealthy.
                TransactionJanitor janitor = transactionJanitor;
                health.progressBy("transactions", () -> janitor.problem()
                        .map(p -> new ServiceProgress(List.of(p), Optional.empty()))
                        .orElse(ServiceProgress.MOVING));
            }
            if (health != null && slack != null) {
                // Slack out of reach degrades patchbay; it never stops a patch, so it is never unhealthy.
                health.degradedBy("slack", slack::problem);
            }
            startHttp(inbox, health);
        }
        if (slack != null) {
            SlackService s = slack;
            s.start();
            s.startNotifier(bootstrap);
            running.push(s::close);
            if (watchdog != null) {
                digestPoster = s.startDigest(watchdog::digest, Clock.systemUTC()).orElse(null);
            }
        }
        LOG.info("patchbay up in {} ms", (System.nanoTime() - began) / 1_000_000);
    }

    private void startHttp(HttpInbox inbox, HealthRoutes health) {
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = httpPort;
            HttpProblems.install(cfg);
            OpenApiDocument.load().addRoute(cfg.routes);
            if (inbox != null) {
                inbox.addRoutes(cfg.routes);
                operator.addRoutes(cfg.routes);
            }
            if (slack != null) {
                slack.addRoutes(cfg.routes);
            }
            if (health != null) {
                health.addRoutes(cfg.routes);
                metrics.addRoutes(cfg.routes);
                // Other instances ask this one for what its stores hold; answered here, never forwarded.
                cfg.routes.post(Watchdog.PEER_PATH, ctx -> {
                    try {
                        ctx.contentType("application/json").result(watchdog.answerPeer(ctx.body()));
                    } catch (IllegalArgumentException e) {
                        throw new io.javalin.http.BadRequestResponse(e.getMessage());
                    }
                });
                cfg.routes.get("/v1/patches/{id}/summary", ctx -> {
                    Optional<String> summary = summaryOf(ctx.pathParam("id"));
                    if (summary.isPresent()) {
                        ctx.contentType("text/markdown; charset=utf-8").result(summary.get());
                    } else {
                        ctx.status(404).contentType(Problem.CONTENT_TYPE).result(Problem.typed("no-summary", 404,
                                "No summary", "patch " + ctx.pathParam("id") + " has no summary yet").at(ctx.path())
                                .json());
                    }
                });
            }
        });
        http.start();
        running.push(http::stop);
    }

    /**
     * A contract read from a file is watched: a valid edit comes into force, an invalid one keeps
     * the contract in force and raises an alert on {@code patchbay.alerts}.
     */
    private void watchContract() {
        if (contractSource == null) {
            return;
        }
        AlertPublisher alerts = new AlertPublisher(bootstrap, limits);
        running.push(alerts);
        ContractWatcher watcher = new ContractWatcher(ContractWatcher.Config.of(contractSource).withLimits(limits), contract,
                e -> {
                    LOG.error("the edited contract is not valid and is not used; version {} stays in force: {}",
                            contract.get().version(), e.getMessage());
                    alerts.contractInvalid(e.getMessage());
                },
                c -> {
                    LOG.info("contract version {} (sha256 {}) is now in force", c.version(), c.hash().substring(0, 12));
                    if (sandbox != null) {
                        SandboxReport.log(c, sandbox);
                    }
                });
        watcher.start();
        running.push(watcher);
    }

    private ExecutionContract loadContract() {
        Path file = config.contractFile();
        if (file == null) {
            Path inRepo = config.home().resolve("contracts/sot/execution-contract.yml");
            file = Files.isRegularFile(inRepo) ? inRepo : null;
        }
        contractSource = file;
        return file == null ? ContractLoader.loadDefault(limits) : ContractLoader.load(file, limits);
    }

    /** The self-evaluation rubric beside the contract file, else the one shipped with patchbay. */
    private Supplier<Rubric> loadRubric() {
        Path beside = contractSource == null ? null : contractSource.resolveSibling("self-evaluation-rubric.yml");
        if (beside == null || !Files.isRegularFile(beside)) {
            return PatchRunner.defaultRubric();
        }
        Rubric rubric = RubricLoader.load(beside);
        LOG.info("self-evaluation rubric {} (version {})", beside, rubric.version());
        return () -> rubric;
    }

    private Optional<String> summaryOf(String patchId) throws IOException {
        return new PatchSummaries(watchdog::patch, config.home(), config.var()).of(patchId);
    }

    /** The HTTP port, or -1 when this process serves no HTTP (an executor alone). */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The decider's Streams client, which tests pause to hold its processing; null where no executor runs. */
    KafkaStreams deciderStreams() {
        return deciderStreams;
    }

    /** The HTTP server, whose routes tests hold against the OpenAPI document; null when none is served. */
    Javalin http() {
        return http;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The hanging-transaction janitor, whose {@code problem()} health may report; null where none runs. */
    public TransactionJanitor transactionJanitor() {
        return transactionJanitor;
    }

    public String token() {
        return token;
    }

    /** The record limits patchbay runs with. */
    public RecordLimits recordLimits() {
        return limits;
    }

    public ExecutionContract contract() {
        return contract.get();
    }

    public PatchbayConfig config() {
        return config;
    }

    /** What a person needs to know after start-up. */
    public String banner() {
        return banner(null, false);
    }

    /**
     * What a person needs to know after start-up, with how long start-up took ({@code null} when
     * unknown) and whether {@code /health/ready} answered 200 by then.
     */
    public String banner(Duration startup, boolean ready) {
        var b = new StringBuilder();
        b.append("\npatchbay is up").append(ready ? " and ready" : "")
                .append(startup == null ? "" : String.format(java.util.Locale.ROOT, " in %.1f s", startup.toMillis() / 1000.0))
                .append(" (").append(String.join(", ", config.roles().stream()
                .map(r -> r.name().toLowerCase(java.util.Locale.ROOT)).toList())).append(")\n");
        String base = "http://" + ("0.0.0.0".equals(config.host()) ? "localhost" : config.host()) + ":" + httpPort();
        if (config.runs(Role.INGEST)) {
            b.append("  inbox       POST ").append(base).append("/v1/patches\n");
        }
        if (config.runs(Role.WATCHDOG)) {
            b.append("  health      ").append(base).append("/health\n");
            b.append("  patches     ").append(base).append("/v1/patches/{id}\n");
        }
        b.append("  kafka       ").append(bootstrap).append(config.embeddedKafka() ? " (embedded, log in var/kafka)" : "").append('\n');
        if (slack != null) {
            b.append("  slack       POST ").append(base).append("/slack/events (or Socket Mode with an app token)\n");
        }
        if (config.runs(Role.INGEST)) {
            b.append("  spool       ").append(config.var().resolve("spool")).append("/<domain>/incoming/\n");
        }
        if (config.runs(Role.EXECUTOR)) {
            b.append("  workspaces  ").append(config.var().resolve("workspaces")).append('\n');
            b.append("  summaries   ").append(config.var().resolve("summaries")).append('\n');
        }
        b.append("  contract    ").append(contractSource == null ? "built-in default" : contractSource)
                .append(" (version ").append(contract.get().version()).append(", domains ")
                .append(String.join(", ", contract.get().domains().keySet())).append(")\n");
        if (config.runs(Role.INGEST)) {
            b.append("  token       ").append(token).append("   (scopes submit, approve, operate; also in var/secrets/submit-token)\n\n");
            b.append("  curl -H \"Authorization: Bearer $(cat var/secrets/submit-token)\" -H 'Content-Type: application/json' \\\n");
            b.append("       --data @patch.json ").append(base).append("/v1/patches\n");
        }
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
