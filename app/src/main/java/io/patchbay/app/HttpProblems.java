package io.patchbay.app;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.router.EndpointNotFound;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.view.ViewsUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception and error mapper of patchbay's HTTP server: whatever goes wrong outside a
 * route's own refusals (an unknown path, a wrong method, Javalin's own errors, an exception a route
 * let through) is answered as an RFC 9457 {@link Problem}, like the refusals the routes make
 * themselves. Answers a route already wrote are left as they are: its problems, the health report
 * with its 503, a dry run's 422 report, and everything Bolt answers on {@code /slack/}, where Slack
 * expects its own.
 */
final class HttpProblems {

    private static final Logger log = LoggerFactory.getLogger(HttpProblems.class);
    /** Bolt's path prefix; Slack reads these answers, not people. */
    static final String SLACK_PREFIX = "/slack/";

    private HttpProblems() {}

    static void install(JavalinConfig cfg) {
        // A known path asked with another method is a 405, not a 404 that hides the path exists.
        cfg.http.prefer405over404 = true;
        cfg.routes.exception(HttpResponseException.class, HttpProblems::declared);
        cfg.routes.exception(ViewsUnavailable.class, HttpProblems::viewsUnavailable);
        cfg.routes.exception(Exception.class, HttpProblems::unexpected);
        for (HttpStatus status : HttpStatus.values()) {
            if (status.getCode() >= 400 && status.getCode() <= 599) {
                cfg.routes.error(status.getCode(), "*", HttpProblems::bare);
            }
        }
    }

    /** Javalin's own errors (404, 405, a body it could not read) and any {@code HttpResponseException}. */
    private static void declared(HttpResponseException e, Context ctx) {
        int code = e.getStatus() >= 400 && e.getStatus() <= 599 ? e.getStatus() : 500;
        String detail = e instanceof EndpointNotFound
                ? "no route answers " + ctx.method().name() + " " + ctx.path()
                : e.getMessage() == null || e.getMessage().isBlank() ? HttpStatus.forStatus(code).getMessage()
                        : e.getMessage();
        if (code == 405) {
            detail = ctx.path() + " does not answer " + ctx.method().name();
        }
        send(ctx, Problem.of(code, HttpStatus.forStatus(code).getMessage(), detail)
                .with("errors", e.getDetails().isEmpty() ? null : e.getDetails()));
    }

    /**
     * Views that cannot be answered whole across instances (a rebalance, an instance that does not
     * answer): a 503 to retry, with the same problem type as views not yet served on one instance.
     */
    private static void viewsUnavailable(ViewsUnavailable e, Context ctx) {
        ctx.header("Retry-After", String.valueOf(ViewsUnavailable.RETRY_AFTER_SECONDS));
        log.info("{} {} answered 503: {}", ctx.method().name(), ctx.path(), e.getMessage());
        send(ctx, Problem.typed("views-not-ready", 503, "Views not ready", e.getMessage() + "; try again shortly"));
    }

    private static void unexpected(Exception e, Context ctx) {
        JsonProcessingException unreadable = unreadableBody(e);
        if (unreadable != null) {
            // The client's fault, not the server's; the parser's own message names Java types, so only the place.
            JsonLocation at = unreadable.getLocation();
            send(ctx, Problem.of(400, HttpStatus.BAD_REQUEST.getMessage(), "the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")));
            return;
        }
        send(ctx, Problem.unexpected(ctx.method().name(), ctx.path(), e, log));
    }

    /** The JSON parse error behind a failure to read the request body, if that is what it is. */
    private static JsonProcessingException unreadableBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JsonProcessingException j) {
                return j;
            }
        }
        return null;
    }

    /** An error status a route set without a body. */
    private static void bare(Context ctx) {
        if (ctx.path().startsWith(SLACK_PREFIX) || ctx.resultInputStream() != null) {
            return;
        }
        int code = ctx.statusCode();
        String phrase = HttpStatus.forStatus(code).getMessage();
        send(ctx, Problem.of(code, phrase, phrase));
    }

    private static void send(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(problem.at(ctx.path()).json());
    }
}
