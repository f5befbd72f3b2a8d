package io.patchbay.health;

import static io.patchbay.health.Responses.guarded;
import static io.patchbay.health.Responses.json;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard: a page at {@code /} that polls {@code /v1/dashboard} every two seconds and shows
 * each domain's queue, SLA and freeze state, the recent patches with links to their summaries, and
 * the recent alerts. Plain HTML and JavaScript from the classpath, nothing to build.
 */
final class Dashboard {

    static final String PAGE = "/io/patchbay/health/dashboard.html";
    static final int RECENT_PATCHES = 25;
    static final int RECENT_ALERTS = 20;

    /** What the page polls: the health verdict, every domain's overview, recent patches and alerts. */
    record Data(
            HealthReport.Status status,
            List<String> reasons,
            Instant generatedAt,
            boolean viewsReady,
            List<DomainOverview> domains,
            List<PatchRow> patches,
            List<Alert> alerts) {}

    /** One recent patch; {@code summaryUrl} only once the patch has a summary: a worker wrote one, or it ended. */
    record PatchRow(String id, String domain, String title, PatchStatus status, Instant submittedAt, Instant updatedAt,
            String reason, String summaryUrl) {

        static PatchRow of(PatchView p) {
            boolean hasSummary = p.summaryPath() != null || (p.status() != null && p.status().terminal());
            String summary = !hasSummary ? null
                    : "/v1/patches/" + URLEncoder.encode(p.id(), StandardCharsets.UTF_8).replace("+", "%20") + "/summary";
            return new PatchRow(p.id(), p.domain(), p.title(), p.status(), p.submittedAt(), p.updatedAt(), p.reason(),
                    summary);
        }
    }

    private final Views views;
    private final Supplier<HealthReport> report;
    private final Supplier<Map<String, DomainView>> domains;
    private final byte[] page;

    Dashboard(Views views, Supplier<HealthReport> report, Supplier<Map<String, DomainView>> domains) {
        this.views = views;
        this.report = report;
        this.domains = domains;
        this.page = load();
    }

    void addRoutes(RoutesConfig routes) {
        routes.get("/", guarded(this::page));
        routes.get("/v1/dashboard", guarded(ctx -> json(ctx, 200, data())));
    }

    private void page(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(page);
    }

    /** Answers even while the views are not served: the page then shows why, from the health verdict. */
    Data data() {
        HealthReport health = report.get();
        Instant now = health.checkedAt();
        // Every domain at once: across instances, one request per instance, not four per domain.
        List<DomainOverview> overviews = views.overviews(domains.get().values(), now);
        List<PatchRow> patches = views.patches(null, null, RECENT_PATCHES).stream().map(PatchRow::of).toList();
        List<Alert> alerts = views.alerts(null, now.minus(Views.DAY), RECENT_ALERTS);
        return new Data(health.status(), health.reasons(), now, views.ready(), overviews, patches, alerts);
    }

    private static byte[] load() {
        try (InputStream in = Dashboard.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard page " + PAGE + " is missing from the health jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
