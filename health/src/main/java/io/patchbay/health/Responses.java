package io.patchbay.health;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.view.ViewsUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How every health and read endpoint answers: canonical JSON, and {@code application/problem+json} errors. */
final class Responses {

    private static final Logger log = LoggerFactory.getLogger(Responses.class);
    static final String JSON = "application/json";
    static final String PROBLEM = Problem.CONTENT_TYPE;

    private Responses() {}

    /** A request that cannot be answered as asked; {@link #guarded} turns it into its problem answer. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;
        final String title;

        Refusal(int status, String type, String title, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.type = type;
            this.title = title;
        }

        static Refusal badQuery(String detail) {
            return new Refusal(400, "bad-query", "Bad query", detail);
        }
    }

    /**
     * Answers a {@link Refusal} as its problem, and an unexpected failure as a 500 problem without its
     * details, which go to the log. Views that cannot be answered whole across instances go on to the
     * server's exception mapper, which answers them 503 with {@code Retry-After}.
     */
    static Handler guarded(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (ViewsUnavailable u) {
                throw u;
            } catch (Refusal r) {
                problem(ctx, r.status, r.type, r.title, r.getMessage());
            } catch (Exception e) {
                send(ctx, Problem.unexpected(ctx.method().name(), ctx.path(), e, log));
            }
        };
    }

    static void json(Context ctx, int status, Object body) {
        ctx.header("Cache-Control", "no-store");
        ctx.status(status).contentType(JSON).result(Json.canonical(body));
    }

    static void problem(Context ctx, int status, String type, String title, String detail) {
        send(ctx, Problem.typed(type, status, title, detail));
    }

    private static void send(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(PROBLEM).result(problem.at(ctx.path()).json());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
