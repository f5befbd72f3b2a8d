package io.patchbay.ingest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Operators act on a patch: {@code POST /v1/patches/{id}/approve|reject|retry|release|discard|cancel}
 * with the same bearer tokens as the inbox. The answer (202) means Kafka has the command; whether
 * it fits the patch's state is the executor's decision, and shows in the patch's timeline.
 */
public final class OperatorRoutes {

    private static final Logger log = LoggerFactory.getLogger(OperatorRoutes.class);

    /** The actions, by the last segment of the path. */
    public static final List<String> ACTIONS = List.of("approve", "reject", "retry", "release", "discard", "cancel");

    private final HttpInbox inbox;
    private final CommandPublisher publisher;
    private final Function<String, Optional<String>> domainOfPatch;
    private final Clock clock;

    /**
     * @param inbox whose tokens authenticate operators
     * @param domainOfPatch the domain a known patch belongs to (from the watchdog's views); commands
     *     are keyed by domain, so a patch nobody knows cannot be acted on
     */
    public OperatorRoutes(HttpInbox inbox, CommandPublisher publisher, Function<String, Optional<String>> domainOfPatch,
            Clock clock) {
        this.inbox = inbox;
        this.publisher = publisher;
        this.domainOfPatch = domainOfPatch;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(HttpInbox.PATH + "/{id}/{action}", this::act);
    }

    /** The body of a 202. */
    record Requested(String id, String domain, String action, String status, String statusUrl) {}

    private void act(Context ctx) {
        String id = ctx.pathParam("id");
        String action = ctx.pathParam("action").toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            problem(ctx, HttpStatus.NOT_FOUND, "'" + action + "' is not an action; use one of " + String.join(", ", ACTIONS));
            return;
        }
        InboxToken token = inbox.tokenOf(ctx.header("Authorization"));
        if (token == null) {
            ctx.header("WWW-Authenticate", "Bearer");
            problem(ctx, HttpStatus.UNAUTHORIZED, "a valid bearer token is required");
            return;
        }
        // ?domain= serves a process that runs ingest alone and has no views to look the patch up in.
        Optional<String> domain = domainOfPatch.apply(id).or(() -> Optional.ofNullable(ctx.queryParam("domain")));
        if (domain.isEmpty()) {
            problem(ctx, HttpStatus.NOT_FOUND, "no patch " + id + " is known; give ?domain= if it is new");
            return;
        }
        if (!token.allows(domain.get())) {
            problem(ctx, HttpStatus.FORBIDDEN, "token " + token.name() + " may not act on domain " + domain.get());
            return;
        }
        String reason = reasonOf(ctx);
        Submitter by = Submitter.http(token.name());
        Instant now = clock.instant();
        Command command = switch (action) {
            case "approve" -> new Command.Approve(domain.get(), id, by, now);
            case "reject" -> new Command.Reject(domain.get(), id, by, now, reason);
            case "retry" -> new Command.Retry(domain.get(), id, by, now);
            case "release" -> new Command.Release(domain.get(), id, by, now);
            case "discard" -> new Command.Discard(domain.get(), id, by, now);
            default -> new Command.Cancel(domain.get(), id, by, now, reason);
        };
        MDC.put("patchId", id);
        try {
            publisher.publish(command);
            log.info("{} of patch {} requested by token {}", action, id, token.name());
        } catch (PublishException e) {
            log.warn("{} of patch {} not published: {}", action, id, e.getMessage());
            problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Kafka did not take the command; try again: " + e.getMessage());
            return;
        } finally {
            MDC.remove("patchId");
        }
        ctx.status(HttpStatus.ACCEPTED).contentType("application/json").result(Json.canonical(
                new Requested(id, domain.get(), action, "Requested", HttpInbox.PATH + "/" + id)));
    }

    private static String reasonOf(Context ctx) {
        String body = ctx.body();
        if (body == null || body.isBlank()) {
            return ctx.queryParam("reason");
        }
        try {
            Map<?, ?> json = Json.mapper().readValue(body, Map.class);
            Object r = json.get("reason");
            return r == null ? null : r.toString();
        } catch (java.io.IOException e) {
            return body.strip();
        }
    }

    private static void problem(Context ctx, HttpStatus status, String detail) {
        ctx.status(status).contentType(Problem.CONTENT_TYPE).result(Problem.of(status, detail, null).json());
    }
}
