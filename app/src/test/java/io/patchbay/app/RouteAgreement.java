package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.router.ParsedEndpoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Holds the routes a Javalin server serves against the operations an OpenAPI document describes,
 * and names every disagreement: a route the document leaves out, or an operation no route serves.
 * A route's path parameter stands for any segment, so {@code POST /v1/patches/{id}/{action}}
 * serves the documented {@code POST /v1/patches/{id}/approve}; a documented parameter is served
 * only by a route's parameter.
 */
final class RouteAgreement {

    /** The methods an OpenAPI path item can describe. */
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    /** One method on one path pattern, as a route or as a documented operation. */
    record Route(String method, String path) {

        Route {
            method = method.toUpperCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private RouteAgreement() {}

    /** The HTTP routes a server serves. */
    static List<Route> routesOf(Javalin server) {
        var out = new ArrayList<Route>();
        for (ParsedEndpoint e : server.unsafe.internalRouter.allHttpHandlers()) {
            out.add(new Route(e.endpoint.method.name(), e.endpoint.path));
        }
        return out;
    }

    /** The operations a document describes. */
    static List<Route> operationsOf(JsonNode document) {
        var out = new ArrayList<Route>();
        document.path("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(key -> {
            if (METHODS.contains(key)) {
                out.add(new Route(key, path.getKey()));
            }
        }));
        return out;
    }

    /** Every disagreement, each in a sentence naming the route or operation; empty when they agree. */
    static List<String> disagreements(Collection<Route> served, JsonNode document) {
        List<Route> documented = operationsOf(document);
        var out = new ArrayList<String>();
        for (Route route : served) {
            if (documented.stream().noneMatch(op -> serves(route, op))) {
                out.add(route + " is served, but " + OpenApiDocument.PATH + " does not describe it");
            }
        }
        for (Route op : documented) {
            if (served.stream().noneMatch(route -> serves(route, op))) {
                out.add(op + " is described in " + OpenApiDocument.PATH + ", but no route serves it");
            }
        }
        return out;
    }

    /** Whether the route answers the documented operation. */
    static boolean serves(Route route, Route operation) {
        if (!route.method().equals(operation.method())) {
            return false;
        }
        String[] r = segments(route.path());
        String[] o = segments(operation.path());
        if (r.length != o.length) {
            return false;
        }
        for (int i = 0; i < r.length; i++) {
            boolean routeParam = isParameter(r[i]);
            if (isParameter(o[i]) ? !routeParam : !routeParam && !r[i].equals(o[i])) {
                return false;
            }
        }
        return true;
    }

    private static String[] segments(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}") || segment.startsWith("<") && segment.endsWith(">");
    }
}
