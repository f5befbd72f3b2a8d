package io.patchbay.health;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health endpoints and the read API over the watchdog's views:
 * {@code GET /health}, {@code /health/live}, {@code /health/ready}, {@code /v1/patches/{id}},
 * {@code /v1/patches?domain=&status=&limit=} and {@code /v1/domains}. Bodies are canonical JSON;
 * errors are {@code application/problem+json}.
 */
public final class HealthRoutes {

    private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);
    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";

    private final Views views;
    private final Supplier<ExecutionContract> contract;
    private final Map<String, BooleanSupplier> services;
    private final HealthConfig config;

    /**
     * @param views the watchdog's views
     * @param contract the execution contract in force, asked at every request so a reload shows at once
     * @param services name → whether that service runs, such as {@code kafka}, {@code decider}, {@code worker},
     *     {@code watchdog}, {@code spool}; any one down makes patchbay unhealthy
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
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/health", guarded(this::health));
        routes.get("/health/live", guarded(ctx -> json(ctx, 200, Map.of("status", "live"))));
        routes.get("/health/ready", guarded(this::ready));
        routes.get("/v1/patches/{id}", guarded(this::patch));
        routes.get("/v1/patches", guarded(this::patches));
        routes.get("/v1/domains", guarded(this::domains));
    }

    /** The report {@code GET /health} serves, for callers inside the process such as {@code patchbay status}. */
    public HealthReport report() {
        return HealthCheck.evaluate(views, contract.get(), services, config.clock().instant());
    }

    private void health(Context ctx) {
        HealthReport report = report();
        json(ctx, report.httpStatus(), report);
    }

    private void ready(Context ctx) {
        List<String> notReady = HealthCheck.notReady(views, services);
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
        String domain = blankToNull(ctx.queryParam("domain"));
        String statusText = blankToNull(ctx.queryParam("status"));
        String limitText = blankToNull(ctx.queryParam("limit"));

        PatchStatus status = null;
        if (statusText != null) {
            try {
                status = PatchStatus.of(statusText);
            } catch (IllegalArgumentException e) {
                problem(ctx, 400, "bad-query", "Bad query", "status '" + statusText + "' is not one of "
                        + statusLabels());
                return;
            }
        }
        int limit = config.defaultLimit();
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > config.maxLimit()) {
                problem(ctx, 400, "bad-query", "Bad query",
                        "limit must be a whole number from 1 to " + config.maxLimit() + ", was '" + limitText + "'");
                return;
            }
        }
        if (domain != null && !HealthCheck.domainFigures(views, contract.get()).containsKey(domain)) {
            problem(ctx, 404, "domain-not-found", "Domain not found",
                    "domain " + domain + " is neither in the execution contract nor in the event log");
            return;
        }
        json(ctx, 200, views.patches(domain, status, limit));
    }

    private void domains(Context ctx) {
        if (viewsUnavailable(ctx)) {
            return;
        }
        List<DomainView> all = new ArrayList<>(HealthCheck.domainFigures(views, contract.get()).values());
        json(ctx, 200, all);
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

    private static Handler guarded(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (Exception e) {
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                problem(ctx, 500, "internal-error", "Internal error", "the request could not be answered; the server log has the cause");
            }
        };
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType(JSON).result(Json.canonical(body));
    }

    private static void problem(Context ctx, int status, String type, String title, String detail) {
        var body = new LinkedHashMap<String, Object>();
        body.put("type", "urn:patchbay:problem:" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        ctx.status(status).contentType(PROBLEM).result(Json.canonical(body));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static List<String> statusLabels() {
        return Arrays.stream(PatchStatus.values()).map(PatchStatus::label).toList();
    }
}
