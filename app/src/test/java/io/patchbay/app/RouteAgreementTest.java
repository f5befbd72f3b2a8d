package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.patchbay.app.RouteAgreement.Route;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check that holds routes against the OpenAPI document names what disagrees, either way. */
class RouteAgreementTest {

    private static final JsonNode DOCUMENT = OpenApiDocument.load().document();

    /** A route for each documented operation: what the check must find in agreement. */
    private static List<Route> documentedRoutes() {
        return new ArrayList<>(RouteAgreement.operationsOf(DOCUMENT));
    }

    @Test
    void agreesWhenEveryRouteIsDescribed() {
        assertThat(RouteAgreement.disagreements(documentedRoutes(), DOCUMENT)).isEmpty();
    }

    @Test
    void namesARouteTheDocumentLeavesOut() {
        List<Route> routes = documentedRoutes();
        routes.add(new Route("get", "/v1/secrets"));
        routes.add(new Route("delete", "/v1/patches/{id}"));
        assertThat(RouteAgreement.disagreements(routes, DOCUMENT)).containsExactlyInAnyOrder(
                "GET /v1/secrets is served, but /openapi.json does not describe it",
                "DELETE /v1/patches/{id} is served, but /openapi.json does not describe it");
    }

    @Test
    void namesAnOperationNoRouteServes() {
        List<Route> routes = documentedRoutes();
        routes.remove(new Route("get", "/v1/quarantine"));
        assertThat(RouteAgreement.disagreements(routes, DOCUMENT)).containsExactly(
                "GET /v1/quarantine is described in /openapi.json, but no route serves it");

        ObjectNode more = DOCUMENT.deepCopy();
        ((ObjectNode) more.path("paths")).putObject("/v1/teleport").putObject("post");
        assertThat(RouteAgreement.disagreements(documentedRoutes(), more)).containsExactly(
                "POST /v1/teleport is described in /openapi.json, but no route serves it");
    }

    @Test
    void aRouteParameterServesDocumentedLiteralsButNotTheOtherWayRound() {
        Route action = new Route("POST", "/v1/patches/{id}/{action}");
        assertThat(RouteAgreement.serves(action, new Route("POST", "/v1/patches/{id}/approve"))).isTrue();
        assertThat(RouteAgreement.serves(action, new Route("GET", "/v1/patches/{id}/approve"))).isFalse();
        assertThat(RouteAgreement.serves(action, new Route("POST", "/v1/patches/{id}"))).isFalse();
        assertThat(RouteAgreement.serves(new Route("GET", "/v1/patches/{id}/summary"),
                new Route("GET", "/v1/patches/{id}/{part}"))).isFalse();
        assertThat(RouteAgreement.serves(new Route("GET", "/"), new Route("GET", "/"))).isTrue();
    }

    @Test
    void readsTheRoutesOfARealServer() {
        Javalin app = Javalin.create(cfg -> {
            cfg.routes.get("/v1/things/{id}", ctx -> ctx.result("thing"));
            cfg.routes.post("/v1/things", ctx -> ctx.status(202));
        });
        assertThat(RouteAgreement.routesOf(app)).contains(new Route("GET", "/v1/things/{id}"),
                new Route("POST", "/v1/things"));
    }
}
