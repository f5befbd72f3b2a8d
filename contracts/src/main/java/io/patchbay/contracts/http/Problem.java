package io.patchbay.contracts.http;

import io.patchbay.contracts.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;

/**
 * An RFC 9457 problem document, the one shape of every HTTP error patchbay serves. The inbox, the
 * operator routes, the read API and the server's own errors all render through {@link #json()}, so
 * a client reads one format whichever part of patchbay refused it.
 *
 * @param type a URI naming the kind of problem; {@code about:blank} when the status says it all
 * @param title a short summary of the kind (for {@code about:blank}, the status' reason phrase)
 * @param status the HTTP status code
 * @param detail what went wrong with this request, in words a person can act on
 * @param instance the request path the problem occurred at; set by {@link #at}
 * @param extensions further members, such as {@code errors} for every fault of a submission
 */
public record Problem(String type, String title, int status, String detail, String instance,
        Map<String, Object> extensions) {

    public static final String CONTENT_TYPE = "application/problem+json";
    /** The prefix of patchbay's own problem types. */
    public static final String TYPE_PREFIX = "urn:patchbay:problem:";

    private static final Set<String> MEMBERS = Set.of("type", "title", "status", "detail", "instance");

    public Problem {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem has an error status (400-599), not " + status);
        }
        type = type == null ? "about:blank" : type;
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        for (String name : extensions.keySet()) {
            if (MEMBERS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is a standard member, not an extension");
            }
        }
    }

    /** A problem the status names: {@code about:blank} with the status' reason phrase as title. */
    public static Problem of(int status, String reasonPhrase, String detail) {
        return new Problem("about:blank", reasonPhrase, status, detail, null, Map.of());
    }

    /** A problem of one of patchbay's own kinds: {@code urn:patchbay:problem:<kind>}. */
    public static Problem typed(String kind, int status, String title, String detail) {
        return new Problem(TYPE_PREFIX + kind, title, status, detail, null, Map.of());
    }

    /**
     * The answer to a failure nobody expected. Its cause is logged under a fresh id, which the
     * problem carries as {@code errorId}; the answer itself says nothing of the cause, since
     * exception messages can name internals (paths, hosts, secrets' files).
     */
    public static Problem unexpected(String method, String path, Throwable cause, Logger log) {
        String id = UUID.randomUUID().toString();
        log.error("{} {} failed (error id {})", method, path, id, cause);
        return typed("internal-error", 500, "Internal error",
                "the request could not be answered; the server log has the cause under error id " + id)
                .with("errorId", id).at(path);
    }

    /** This problem as it occurred at {@code path}. */
    public Problem at(String path) {
        return new Problem(type, title, status, detail, path, extensions);
    }

    /** This problem with one more extension member; a null value leaves it out. */
    public Problem with(String name, Object value) {
        if (value == null) {
            return this;
        }
        var more = new LinkedHashMap<>(extensions);
        more.put(name, value);
        return new Problem(type, title, status, detail, instance, more);
    }

    /** The document: canonical JSON, extension members beside the standard ones, nulls left out. */
    public String json() {
        var body = new LinkedHashMap<String, Object>(extensions);
        body.put("type", type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", instance);
        body.values().removeIf(java.util.Objects::isNull);
        return Json.canonical(body);
    }
}
