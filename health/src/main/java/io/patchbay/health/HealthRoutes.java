package io.patchbay.health;

import static io.patchbay.health.Responses.blankToNull;
import static io.patchbay.health.Responses.guarded;
import static io.patchbay.health.Responses.json;
import static io.patchbay.health.Responses.problem;

import io.patchbay.health.Responses.Refusal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The health endpoints, the read API over the watchdog's views and the dashboard:
 * {@code GET /health}, {@code /health/live}, {@code /health/ready}, {@code /v1/patches/{id}},
 * {@code /v1/patches?domain=&status=&limit=}, {@code /v1/domains}, {@code /v1/domains/{domain}},
 * {@code /v1/quarantine?domain=&limit=}, {@code /v1/alerts?domain=&since=&limit=&open=},
 * {@code /v1/digest?since=24h}, and the dashboard at {@code /} with its data at
 * {@code /v1/dashboard}. Bodies are canonical JSON; errors are {@code application/problem+json}.
 */
public final class HealthRoutes {

    /** The longest period a digest or alert listing covers: the watchdog keeps a little more than this. */
    static final Duration MAX_PERIOD = Duration.ofDays(7);

    private final Views views;
    private final Supplier<ExecutionContract> contract;
    private final Map<String, BooleanSupplier> services;
    /** Parts whose trouble degrades patchbay without stopping patches (Slack): name → the reason, empty when well. */
    private final Map<String, Supplier<Optional<String>>> degradable = new java.util.concurrent.ConcurrentHashMap<>();
    /** Service → whether its input is processed, measured from its consumer group's offsets; see {@link #progressBy}. */
    private final Map<String, Supplier<ServiceProgress>> progress = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final HealthConfig config;
    private final Dashboard dashboard;

    /**
     * @param views the watchdog's views
     * @param contract the execution contract in force, asked at every request so a reload shows at once
     * @param services name → whether that service runs, such as {@code kafka} (whether Kafka answers),
     *     {@code decider}, {@code worker}, {@code watchdog}, {@code spool}; any one down makes patchbay unhealthy
     */
    public HealthRoutes(Views views, Supplier<ExecutionContract> contract, Map<String, BooleanSupplier> services) {
        this(views, contract, services, HealthConfig.defaults());
    }

    public HealthRoutes(Views views, Supplier<ExecutionContract> contract, Map<String, BooleanSupplier> services,
            HealthConfig config) {
        this.views = Objects.requireNonNull(views, "views");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.services = new LinkedHashMap<>(Objects.requireNonNull(services, "services"));
        this.config = Objects.requireNonNull(config, "config");
        this.dashboard = new Dashboard(views, this::report, this::knownDomains);
    }

    /**
     * Reports a part that patches do not need to run, such as Slack: while {@code problem} names a
     * reason, {@code /health} is {@code degraded} with that reason (status 200) and the part shows as
     * not running among the services; it never makes patchbay unhealthy or not ready.
     */
    public HealthRoutes degradedBy(String name, Supplier<Optional<String>> problem) {
        degradable.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(problem, "problem"));
        return this;
    }

    /**
     * Reports whether a service makes progress, which its running state cannot say (a Streams client in
     * RUNNING may process nothing): while {@code progress} names stalls, {@code /health} is
     * {@code unhealthy} (503) with them as reasons, {@code progress.<service>} is false and
     * {@code /health/ready} names the service as not ready. While the progress cannot be measured,
     * {@code /health} is {@code degraded} with why, unless Kafka is unreachable, which says it already.
     */
    public HealthRoutes progressBy(String service, Supplier<ServiceProgress> progress) {
        this.progress.put(Objects.requireNonNull(service, "service"), Objects.requireNonNull(progress, "progress"));
        return this;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/health", guarded(this::health));
        routes.get("/health/live", guarded(ctx -> json(ctx, 200, Map.of("status", "live"))));
        routes.get("/health/ready", guarded(this::ready));
        routes.get("/v1/patches/{id}", guarded(this::patch));
        routes.get("/v1/patches", guarded(this::patches));
        routes.get("/v1/domains", guarded(this::domains));
        routes.get("/v1/domains/{domain}", guarded(this::domainOverview));
        routes.get("/v1/quarantine", guarded(this::quarantine));
        routes.get("/v1/alerts", guarded(this::alerts));
        routes.get("/v1/digest", guarded(this::digest));
        dashboard.addRoutes(routes);
    }

    /** The report {@code GET /health} serves, for callers inside the process such as {@code patchbay status}. */
    public HealthReport report() {
        return HealthCheck.evaluate(views, contract.get(), services, degradable, progressSources(), config.clock().instant());
    }

    private Map<String, Supplier<ServiceProgress>> progressSources() {
        synchronized (progress) {
            return new LinkedHashMap<>(progress);
        }
    }

    /** Every contract domain, with zeros until it has events, and every domain the log has seen. */
    private Map<String, DomainView> knownDomains() {
        return HealthCheck.domainFigures(views, contract.get());
    }

    private void health(Context ctx) {
        HealthReport report = report();
        json(ctx, report.httpStatus(), report);
    }

    private void ready(Context ctx) {
        List<String> notReady = HealthCheck.notReady(views, services, progressSources());
        var body = new LinkedHashMap<String, Object>();
        body.put("ready", notReady.isEmpty());
        body.put("notReady", notReady);
        json(ctx, notReady.isEmpty() ? 200 : 503, body);
    }

    private void patch(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        String id = ctx.pathParam("id");
        Optional<PatchView> view = views.patch(id);
        if (view.isPresent()) {
            json(ctx, 200, view.get());
        } else {
            problem(ctx, 404, "patch-not-found", "Patch not found", "no patch with id " + id + " is in the event log");
        }
    }

    private void patches(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        String statusText = blankToNull(ctx.queryParam("status"));
        PatchStatus status = null;
        if (statusText != null) {
            try {
                status = PatchStatus.of(statusText);
            } catch (IllegalArgumentException e) {
                throw Refusal.badQuery("status '" + statusText + "' is not one of "
                        + Arrays.stream(PatchStatus.values()).map(PatchStatus::label).toList());
            }
        }
        int limit = limit(ctx);
        json(ctx, 200, views.patches(domainParam(ctx), status, limit));
    }

    private void domains(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        json(ctx, 200, new ArrayList<>(knownDomains().values()));
    }

    private void domainOverview(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        String name = ctx.pathParam("domain");
        DomainView figures = knownDomains().get(name);
        if (figures == null) {
            throw unknownDomain(name);
        }
        json(ctx, 200, views.overview(figures, config.clock().instant()));
    }

    private void quarantine(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        int limit = limit(ctx);
        json(ctx, 200, views.quarantine(domainParam(ctx), limit));
    }

    private void alerts(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        String domain = domainParam(ctx);
        if ("true".equalsIgnoreCase(blankToNull(ctx.queryParam("open")))) {
            json(ctx, 200, views.openBreaches(domain));
            return;
        }
        int limit = limit(ctx);
        Duration since = period(ctx);
        json(ctx, 200, views.alerts(domain, config.clock().instant().minus(since), limit));
    }

    private void digest(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        Duration since = period(ctx);
        Instant now = config.clock().instant();
        json(ctx, 200, views.digest(now.minus(since), now));
    }

    /** The {@code limit} parameter, the configured default when absent. */
    private int limit(Context ctx) {
        String text = blankToNull(ctx.queryParam("limit"));
        if (text == null) {
            return config.defaultLimit();
        }
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > config.maxLimit()) {
            throw Refusal.badQuery("limit must be a whole number from 1 to " + config.maxLimit() + ", was '" + text + "'");
        }
        return limit;
    }

    /** The {@code since} parameter, 24h when absent. */
    private static Duration period(Context ctx) {
        String text = blankToNull(ctx.queryParam("since"));
        Duration since;
        try {
            since = text == null ? Views.DAY : Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw Refusal.badQuery("since: " + e.getMessage());
        }
        if (since.isZero() || since.compareTo(MAX_PERIOD) > 0) {
            throw Refusal.badQuery("since must be more than 0 and at most 7d, was '" + text + "'");
        }
        return since;
    }

    /** The {@code domain} parameter, null for every domain; a domain nobody knows is a 404. */
    private String domainParam(Context ctx) {
        String domain = blankToNull(ctx.queryParam("domain"));
        if (domain != null && !knownDomains().containsKey(domain)) {
            throw unknownDomain(domain);
        }
        return domain;
    }

    private static Refusal unknownDomain(String domain) {
        return new Refusal(404, "domain-not-found", "Domain not found",
                "domain " + domain + " is neither in the execution contract nor in the event log");
    }

    /** Without served views every read would answer "not found" or zeros; say what is really the matter. */
    private boolean viewsUnavailable(Context ctx) {
        if (views.ready()) {
            return false;
        }
        ctx.header("Retry-After", "1");
        problem(ctx, 503, "views-not-ready", "Views not ready",
                "the watchdog's views are not being served yet (starting, rebalancing or restoring); try again shortly");
        return true;
    }
}
