package io.patchbay.ingest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.ingest.slack.DigestPoster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Operators act on a patch: {@code POST /v1/patches/{id}/approve|reject|retry|release|discard|cancel},
 * and on a domain frozen by drift: {@code POST /v1/domains/{domain}/unfreeze?mode=adopt|reset}, with
 * the same bearer tokens as the inbox. Each action needs its scope on the token: approve and reject
 * need {@code approve}, the others (and unfreeze, and posting the digest) {@code operate}. The
 * answer (202) means Kafka has the command; whether it fits the patch's (or domain's) state is the
 * executor's decision, and shows in the event log.
 */
public final class OperatorRoutes {

    private static final Logger log = LoggerFactory.getLogger(OperatorRoutes.class);

    /** The actions, by the last segment of the path. */
    public static final List<String> ACTIONS = List.of("approve", "reject", "retry", "release", "discard", "cancel");

    private final HttpInbox inbox;
    private final CommandPublisher publisher;
    private final Function<String, Optional<String>> domainOfPatch;
    private final Clock clock;
    private final Supplier<Optional<DigestPoster>> digest;

    /**
     * @param inbox whose tokens authenticate operators
     * @param domainOfPatch the domain a known patch belongs to (from the watchdog's views); commands
     *     are keyed by domain, so a patch nobody knows cannot be acted on
     */
    public OperatorRoutes(HttpInbox inbox, CommandPublisher publisher, Function<String, Optional<String>> domainOfPatch,
            Clock clock) {
        this(inbox, publisher, domainOfPatch, clock, Optional::empty);
    }

    private OperatorRoutes(HttpInbox inbox, CommandPublisher publisher,
            Function<String, Optional<String>> domainOfPatch, Clock clock, Supplier<Optional<DigestPoster>> digest) {
        this.inbox = inbox;
        this.publisher = publisher;
        this.domainOfPatch = domainOfPatch;
        this.clock = clock;
        this.digest = digest;
    }

    /**
     * These routes with {@code POST /v1/digest/slack?since=24h}, which posts the digest to Slack now.
     *
     * @param poster asked at each request, so Slack may start after the routes are declared
     */
    public OperatorRoutes withDigest(Supplier<Optional<DigestPoster>> poster) {
        return new OperatorRoutes(inbox, publisher, domainOfPatch, clock, poster);
    }

    /** Where domain-level operator actions live. */
    public static final String DOMAINS_PATH = "/v1/domains";

    private static final Pattern DOMAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    public void addRoutes(RoutesConfig routes) {
        routes.post(HttpInbox.PATH + "/{id}/{action}", this::act);
        routes.post(DOMAINS_PATH + "/{domain}/unfreeze", this::unfreeze);
        routes.post(DIGEST_PATH, this::postDigest);
    }

    /** Posts the digest to Slack on demand. */
    public static final String DIGEST_PATH = "/v1/digest/slack";

    /** The body of a 202 to a digest request. */
    record DigestRequested(String channel, String since, String status) {}

    private void postDigest(Context ctx) {
        if (authorized(ctx, Scope.OPERATE, "post the digest") == null) {
            return;
        }
        Optional<DigestPoster> poster = digest.get();
        if (poster.isEmpty()) {
            problem(ctx, HttpStatus.NOT_FOUND, "no Slack digest is configured; add digest: {channel: C…, hour: 8} to "
                    + "var/secrets/slack.yml");
            return;
        }
        String since = Optional.ofNullable(ctx.queryParam("since")).orElse("24h");
        Duration period;
        try {
            period = Durations.parse(since);
        } catch (IllegalArgumentException e) {
            problem(ctx, HttpStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        try {
            poster.get().postNow(period);
        } catch (RuntimeException e) {
            log.warn("the digest could not be made: {}", e.toString());
            problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "the digest could not be made now: " + e.getMessage());
            return;
        }
        ctx.status(HttpStatus.ACCEPTED).contentType("application/json").result(Json.canonical(
                new DigestRequested(poster.get().schedule().channel(), since, "Posting")));
    }

    /** The body of a 202 to an unfreeze. */
    record UnfreezeRequested(String domain, String action, String mode, String status, String statusUrl) {}

    private void unfreeze(Context ctx) {
        String domain = ctx.pathParam("domain");
        if (!DOMAIN_NAME.matcher(domain).matches()) {
            problem(ctx, HttpStatus.NOT_FOUND, "'" + domain + "' is not a domain name");
            return;
        }
        String mode = fieldOf(ctx, "mode");
        mode = mode == null ? null : mode.strip().toLowerCase(Locale.ROOT);
        if (mode == null || !Command.Unfreeze.MODES.contains(mode)) {
            problem(ctx, HttpStatus.BAD_REQUEST, "say how to unfreeze: ?mode=adopt takes the working tree as it is, "
                    + "?mode=reset puts it back to the commit the log records");
            return;
        }
        InboxToken token = authorized(ctx, Scope.OPERATE, "unfreeze a domain");
        if (token == null) {
            return;
        }
        if (!token.allows(domain)) {
            problem(ctx, HttpStatus.FORBIDDEN, "token " + token.name() + " may not act on domain " + domain);
            return;
        }
        try {
            publisher.publish(new Command.Unfreeze(domain, mode, Submitter.http(token.name()), clock.instant()));
            log.info("unfreeze ({}) of domain {} requested by token {}", mode, domain, token.name());
        } catch (PublishException e) {
            log.warn("unfreeze of domain {} not published: {}", domain, e.getMessage());
            problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Kafka did not take the command; try again: " + e.getMessage());
            return;
        }
        ctx.status(HttpStatus.ACCEPTED).contentType("application/json").result(Json.canonical(
                new UnfreezeRequested(domain, "unfreeze", mode, "Requested", "/health")));
    }

    /** The caller's token, or null once a 401 has been answered. */
    private InboxToken authenticated(Context ctx) {
        InboxToken token = inbox.tokenOf(ctx.header("Authorization"));
        if (token == null) {
            ctx.header("WWW-Authenticate", "Bearer");
            problem(ctx, HttpStatus.UNAUTHORIZED, "a valid bearer token is required");
        }
        return token;
    }

    /** The scope a patch action needs: turning a patch down is the approvers' veto, the rest is operating. */
    static Scope scopeOf(String action) {
        return switch (action) {
            case "approve", "reject" -> Scope.APPROVE;
            default -> Scope.OPERATE;
        };
    }

    /** The caller's token if it holds {@code scope}, or null once a 401 or 403 has been answered. */
    private InboxToken authorized(Context ctx, Scope scope, String what) {
        InboxToken token = authenticated(ctx);
        if (token != null && !token.has(scope)) {
            log.info("refused token {} the right to {}: it lacks the scope {}", token.name(), what, scope.label());
            send(ctx, Problem.of(HttpStatus.FORBIDDEN.getCode(), HttpStatus.FORBIDDEN.getMessage(), "token '"
                    + token.name() + "' lacks the scope '" + scope.label() + "', which is needed to " + what
                    + "; add it to the token's scopes in var/secrets/tokens.yml or " + InboxTokens.ENV)
                    .with("scope", scope.label()));
            return null;
        }
        return token;
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
        InboxToken token = authorized(ctx, scopeOf(action), action + " a patch");
        if (token == null) {
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

    /** A field from the query, or else from a JSON body. */
    private static String fieldOf(Context ctx, String name) {
        String fromQuery = ctx.queryParam(name);
        String body = ctx.body();
        if (fromQuery != null || body == null || body.isBlank()) {
            return fromQuery;
        }
        try {
            Object v = Json.mapper().readValue(body, Map.class).get(name);
            return v == null ? null : v.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static void problem(Context ctx, HttpStatus status, String detail) {
        send(ctx, Problem.of(status.getCode(), status.getMessage(), detail));
    }

    private static void send(Context ctx, Problem problem) {
        ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(problem.at(ctx.path()).json());
    }
}
