package io.patchbay.ingest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.http.Problem;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.NodeTargets;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /v1/patches}: takes a patch over HTTP and answers 202 only once the Submit command is
 * on Kafka. Whether the patch is allowed is the executor's verdict; the inbox checks that the
 * caller holds a token with the {@code submit} scope, that the token may submit to the patch's
 * domain and is within its request budget, and that the body is a patch. An
 * {@code Idempotency-Key} makes a retried request get the first answer again. Every refusal is an {@code application/problem+json} document.
 *
 * <p>Why one class over ~300 lines: the order of its checks (token, scope, domain, budget, body,
 * idempotency, publish) is the inbox's contract, and it reads top to bottom here; reading a body,
 * the budgets and the shared answers are classes of their own.
 */
public final class HttpInbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HttpInbox.class);

    public static final String PATH = "/v1/patches";
    /** The largest command patchbay carries: a body that could not travel as one record is refused with 413. */
    public static final long DEFAULT_MAX_BODY_BYTES = RecordLimits.DEFAULT.maxCommandBytes();
    /** Bodies up to this many times the limit are read to their end before the 413. */
    private static final long DRAIN_FACTOR = 8;
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 120;
    public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    static final int MAX_IDEMPOTENCY_KEYS = 100_000;
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** Printable ASCII without spaces, as the IETF Idempotency-Key draft expects of a key. */
    private static final Pattern KEY = Pattern.compile("^[\\x21-\\x7e]{1,255}$");

    /**
     * @param tokens the tokens that may submit; their names become submitter ids
     * @param maxBodyBytes bodies above this are refused with 413
     * @param requestsPerMinute each token's budget unless the token sets its own
     * @param idempotencyWindow how long an {@code Idempotency-Key} is remembered
     */
    public record Config(List<InboxToken> tokens, long maxBodyBytes, int requestsPerMinute,
            Duration idempotencyWindow) {

        public Config {
            if (tokens == null) {
                throw new IllegalArgumentException("tokens is required (it may be empty)");
            }
            tokens = List.copyOf(tokens);
            if (tokens.stream().map(InboxToken::name).distinct().count() != tokens.size()) {
                throw new IllegalArgumentException("two tokens have the same name");
            }
            if (maxBodyBytes <= 0 || maxBodyBytes >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 1));
            }
            if (requestsPerMinute < 1) {
                throw new IllegalArgumentException("requestsPerMinute must be at least 1");
            }
            idempotencyWindow = idempotencyWindow == null ? DEFAULT_IDEMPOTENCY_WINDOW : idempotencyWindow;
        }

        /**
         * Tokens allowed every domain.
         *
         * @param tokenHashes token name to the sha256 hex of the token
         */
        public Config(Map<String, String> tokenHashes, long maxBodyBytes) {
            this(tokenHashes.entrySet().stream().map(e -> InboxToken.anyDomain(e.getKey(), e.getValue())).toList(),
                    maxBodyBytes, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_IDEMPOTENCY_WINDOW);
        }

        /** Tokens allowed every domain, with the default limits and in-memory idempotency. */
        public static Config of(Map<String, String> tokenHashes) {
            return new Config(tokenHashes, DEFAULT_MAX_BODY_BYTES);
        }

        /** The given tokens, with the default limits and in-memory idempotency. */
        public static Config of(List<InboxToken> tokens) {
            return new Config(tokens, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_IDEMPOTENCY_WINDOW);
        }

        /** Bodies above what {@code limits} can carry as a command are refused with 413. */
        public Config withRecordLimits(RecordLimits limits) {
            return new Config(tokens, limits.maxCommandBytes(), requestsPerMinute, idempotencyWindow);
        }

        public Config withRequestsPerMinute(int perMinute) {
            return new Config(tokens, maxBodyBytes, perMinute, idempotencyWindow);
        }
    }

    private final Config config;
    private final CommandPublisher publisher;
    private final Clock clock;
    private final Map<String, byte[]> hashes;
    private final Map<String, InboxToken> tokens;
    private final TokenRateLimits limits;
    private volatile IdempotencyStore answers;
    private final Supplier<? extends NodeTargets> targets;
    private volatile DryRunner dryRunner;

    public HttpInbox(Config config, CommandPublisher publisher) {
        this(config, publisher, Clock.systemUTC());
    }

    public HttpInbox(Config config, CommandPublisher publisher, Clock clock) {
        this(config, publisher, clock, () -> NodeTargets.NONE);
    }

    /**
     * @param targets the current contract, which maps Node-runner patches to a domain; without it
     *     such patches are refused
     */
    public HttpInbox(Config config, CommandPublisher publisher, Clock clock, Supplier<? extends NodeTargets> targets) {
        this(config, publisher, clock, targets, System::nanoTime);
    }

    HttpInbox(Config config, CommandPublisher publisher, Clock clock, LongSupplier nanoTime) {
        this(config, publisher, clock, () -> NodeTargets.NONE, nanoTime);
    }

    HttpInbox(Config config, CommandPublisher publisher, Clock clock, Supplier<? extends NodeTargets> targets,
            LongSupplier nanoTime) {
        this.config = config;
        this.publisher = publisher;
        this.clock = clock;
        this.targets = targets;
        var decoded = new TreeMap<String, byte[]>();
        var byName = new TreeMap<String, InboxToken>();
        for (InboxToken t : config.tokens()) {
            decoded.put(t.name(), HexFormat.of().parseHex(t.sha256()));
            byName.put(t.name(), t);
        }
        this.hashes = decoded;
        this.tokens = byName;
        this.limits = new TokenRateLimits(config.tokens(), config.requestsPerMinute(), nanoTime::getAsLong);
        this.answers = new IdempotencyStore(config.idempotencyWindow(), MAX_IDEMPOTENCY_KEYS, clock);
        if (hashes.isEmpty()) {
            log.warn("the HTTP inbox has no tokens configured: every submission will be refused with 401");
        }
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(PATH, this::submit);
    }

    /**
     * Keeps {@code Idempotency-Key} answers on the shared topic instead of in this process, so that
     * every instance answers a retry the same. Called once while wiring, before the server starts;
     * whoever made {@code shared} closes it.
     */
    public void shareIdempotencyAnswers(SharedAnswers<IdempotencyStore.Entry> shared) {
        this.answers = new IdempotencyStore(shared, config.idempotencyWindow(), MAX_IDEMPOTENCY_KEYS, clock);
    }

    /** The shared store of {@code Idempotency-Key} answers on {@code bootstrapServers}, not yet started. */
    public static SharedAnswers<IdempotencyStore.Entry> idempotencyAnswers(String bootstrapServers, Config config,
            Clock clock) {
        return new SharedAnswers<>(bootstrapServers, Topics.IDEMPOTENCY, "inbox", IdempotencyStore.Entry.class,
                config.idempotencyWindow(), MAX_IDEMPOTENCY_KEYS, clock);
    }

    @Override
    public void close() {
        // Nothing of its own to release: shared answers belong to whoever made them.
    }

    /** The body of a 202. */
    record Accepted(String id, String domain, String title, String status, String statusUrl, String summaryUrl) {}

    /**
     * An answer before it is written: kept whole so that an idempotent replay is the same answer. A
     * refusal keeps its {@link Problem}, which takes the request's path when it is sent.
     */
    private record Reply(HttpStatus status, String contentType, String body, Map<String, String> headers,
            Problem problem) {

        Reply(HttpStatus status, String contentType, String body, Map<String, String> headers) {
            this(status, contentType, body, headers, null);
        }

        static Reply problem(HttpStatus status, String detail, List<String> errors, Map<String, String> headers) {
            Problem p = Problem.of(status.getCode(), status.getMessage(), detail)
                    .with("errors", errors == null || errors.isEmpty() ? null : List.copyOf(errors));
            return new Reply(status, Problem.CONTENT_TYPE, null, headers, p);
        }

        static Reply problem(HttpStatus status, String detail) {
            return problem(status, detail, null, Map.of());
        }

        /** A 403 naming the scope the token lacks, so a client can ask for it. */
        static Reply lacksScope(Scope scope, String detail) {
            Reply r = problem(HttpStatus.FORBIDDEN, detail);
            return new Reply(r.status, r.contentType, null, r.headers, r.problem.with("scope", scope.label()));
        }

        void send(Context ctx) {
            ctx.status(status).contentType(contentType).result(problem == null ? body : problem.at(ctx.path()).json());
            headers.forEach(ctx::header);
        }
    }

    private void submit(Context ctx) {
        handle(ctx).send(ctx);
    }

    private Reply handle(Context ctx) {
        String tokenName = authenticate(ctx.header("Authorization"));
        if (tokenName == null) {
            log.warn("refused a submission from {} without a valid token", ctx.ip());
            return Reply.problem(HttpStatus.UNAUTHORIZED, "send Authorization: Bearer <token> with a configured token",
                    null, Map.of("WWW-Authenticate", "Bearer realm=\"patchbay\""));
        }
        if (!tokens.get(tokenName).has(Scope.SUBMIT)) {
            log.info("refused a submission from token {}, which lacks the scope submit", tokenName);
            return Reply.lacksScope(Scope.SUBMIT, "token '" + tokenName + "' lacks the scope 'submit', which is "
                    + "needed to submit a patch or ask for a dry run; add it to the token's scopes");
        }
        OptionalLong wait = limits.acquire(tokenName);
        if (wait.isPresent()) {
            log.info("token {} is over its request budget; answered 429", tokenName);
            return Reply.problem(HttpStatus.TOO_MANY_REQUESTS, "token '" + tokenName + "' has used its "
                    + budgetOf(tokenName) + " requests per minute; try again in " + wait.getAsLong() + " s", null,
                    Map.of("Retry-After", String.valueOf(wait.getAsLong())));
        }
        Format format = Format.ofContentType(ctx.contentType());
        if (format == null) {
            return Reply.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type " + ctx.contentType()
                    + " is not a patch: use application/json, application/yaml or text/x-diff");
        }
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key != null && !KEY.matcher(key).matches()) {
            return Reply.problem(HttpStatus.BAD_REQUEST, IDEMPOTENCY_KEY
                    + " must be 1 to 255 printable ASCII characters without spaces");
        }
        byte[] body;
        try {
            body = readBody(ctx);
        } catch (IOException e) {
            return Reply.problem(HttpStatus.BAD_REQUEST, "the body could not be read: " + e.getMessage());
        }
        if (body == null) {
            return Reply.problem(HttpStatus.CONTENT_TOO_LARGE, "the body is over the limit of " + config.maxBodyBytes()
                    + " bytes");
        }
        String domainParam = blankToNull(ctx.queryParam("domain"));
        if ("true".equalsIgnoreCase(ctx.queryParam("dryRun"))) {
            return dryRun(tokenName, format, body, domainParam);
        }
        if (key == null) {
            return take(tokenName, format, body, domainParam);
        }
        String fingerprint = fingerprint(format, domainParam, body);
        IdempotencyStore.Outcome outcome = answers.begin(tokenName, key, fingerprint);
        if (outcome instanceof IdempotencyStore.Outcome.Replay r) {
            log.info("replayed the answer to {} {} for token {}", IDEMPOTENCY_KEY, key, tokenName);
            var headers = new java.util.LinkedHashMap<String, String>();
            headers.put("Idempotent-Replayed", "true");
            if (r.answer().location() != null) {
                headers.put("Location", r.answer().location());
            }
            return new Reply(HttpStatus.forStatus(r.answer().status()), "application/json", r.answer().body(), headers);
        }
        if (outcome instanceof IdempotencyStore.Outcome.Mismatch) {
            return Reply.problem(HttpStatus.UNPROCESSABLE_CONTENT, IDEMPOTENCY_KEY + " " + key
                    + " was already used for a different request; use a new key for a new patch");
        }
        if (outcome instanceof IdempotencyStore.Outcome.InProgress) {
            return Reply.problem(HttpStatus.CONFLICT, "a request with " + IDEMPOTENCY_KEY + " " + key
                    + " is still being handled; retry once it has been answered");
        }
        Reply reply = null;
        try {
            reply = take(tokenName, format, body, domainParam);
            return reply;
        } finally {
            if (reply != null && reply.status() == HttpStatus.ACCEPTED) {
                answers.complete(tokenName, key, fingerprint, new IdempotencyStore.Answer(reply.status().getCode(),
                        reply.body(), reply.headers().get("Location")));
            } else {
                answers.abandon(tokenName, key);
            }
        }
    }

    /**
     * Lets {@code ?dryRun=true} answer whether a patch would pass; without it such requests get
     * 501. Called once while wiring, before the server starts.
     */
    public void enableDryRun(DryRunner runner) {
        this.dryRunner = runner;
    }

    private Reply dryRun(String tokenName, Format format, byte[] body, String domainParam) {
        DryRunner runner = dryRunner;
        if (runner == null) {
            return Reply.problem(HttpStatus.NOT_IMPLEMENTED, "this process cannot run dry runs: it has no working trees");
        }
        // The token's domains first, as for a real submission: a dry run is no way round them.
        try {
            Patch patch = SubmissionReader.read(body, format, domainParam, targets.get());
            InboxToken token = tokens.get(tokenName);
            if (patch.domain() != null && !token.allows(patch.domain())) {
                log.info("refused a dry run for domain {} from token {}, which may not submit there", patch.domain(),
                        tokenName);
                return Reply.problem(HttpStatus.FORBIDDEN, "token '" + tokenName + "' may not submit to domain '"
                        + patch.domain() + "'", List.of("/domain: '" + patch.domain() + "' is not one of "
                        + String.join(", ", token.domains())), Map.of());
            }
        } catch (PatchFormatException e) {
            // The dry run reports the format problems itself, without reaching a tree.
        }
        DryRunner.Answer answer = runner.check(body, format, domainParam, Submitter.http(tokenName));
        log.info("dry run for token {}: {}", tokenName, answer.passes() ? "would pass" : "would not pass");
        return new Reply(answer.passes() ? HttpStatus.OK : HttpStatus.UNPROCESSABLE_CONTENT, "application/json",
                answer.json(), Map.of());
    }

    /** Reads, checks and publishes the patch. */
    private Reply take(String tokenName, Format format, byte[] body, String domainParam) {
        Patch patch;
        try {
            patch = SubmissionReader.read(body, format, domainParam, targets.get()).withDefaultId();
        } catch (PatchFormatException e) {
            log.info("refused a {} submission from token {}: {}", format, tokenName, e.getMessage());
            return Reply.problem(HttpStatus.BAD_REQUEST, "the body is not a valid patch", e.problems(), Map.of());
        }
        InboxToken token = tokens.get(tokenName);
        if (!token.allows(patch.domain())) {
            log.info("refused a patch for domain {} from token {}, which may not submit there", patch.domain(), tokenName);
            return Reply.problem(HttpStatus.FORBIDDEN, "token '" + tokenName + "' may not submit to domain '"
                    + patch.domain() + "'", List.of("/domain: '" + patch.domain() + "' is not one of "
                    + String.join(", ", token.domains())), Map.of());
        }
        MDC.put("patchId", patch.id());
        try {
            publisher.publish(new Command.Submit(patch, Submitter.http(tokenName), clock.instant()));
            String statusUrl = PATH + "/" + pathSegment(patch.id());
            log.info("accepted patch {} for domain {} over HTTP from token {}", patch.id(), patch.domain(), tokenName);
            return new Reply(HttpStatus.ACCEPTED, "application/json", Json.canonical(new Accepted(patch.id(),
                    patch.domain(), patch.title(), "Submitted", statusUrl, statusUrl + "/summary")),
                    Map.of("Location", statusUrl));
        } catch (PublishException e) {
            if (e.retriable()) {
                log.warn("could not hand patch {} to Kafka, answered 503: {}", patch.id(), e.getMessage());
                return Reply.problem(HttpStatus.SERVICE_UNAVAILABLE,
                        "the command log did not take the patch; nothing was submitted, try again", null,
                        Map.of("Retry-After", "5"));
            }
            log.warn("Kafka refused patch {} for good: {}", patch.id(), e.getMessage());
            return Reply.problem(e.getCause() instanceof RecordTooLargeException
                    ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.INTERNAL_SERVER_ERROR,
                    "the command log refused the patch: " + e.getMessage());
        } finally {
            MDC.remove("patchId");
        }
    }

    private int budgetOf(String tokenName) {
        Integer own = tokens.get(tokenName).requestsPerMinute();
        return own == null ? config.requestsPerMinute() : own;
    }

    /** What makes two requests "the same" for an idempotency key: how the body is read, and the body. */
    private static String fingerprint(Format format, String domainParam, byte[] body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((format + "\n" + (domainParam == null ? "" : domainParam) + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The token a header carries, or null. */
    InboxToken tokenOf(String header) {
        String name = authenticate(header);
        return name == null ? null : tokens.get(name);
    }

    /** The name of the token the header carries, or null. Every configured hash is compared, in constant time. */
    private String authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        if (token.isEmpty()) {
            return null;
        }
        byte[] presented = sha256(token);
        String match = null;
        for (Map.Entry<String, byte[]> e : hashes.entrySet()) {
            // No early exit: the time taken must not tell which token, if any, was close.
            if (MessageDigest.isEqual(presented, e.getValue()) && match == null) {
                match = e.getKey();
            }
        }
        return match;
    }

    /** The body, or null when it is over the limit; reads at most one byte past the limit. */
    private byte[] readBody(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > config.maxBodyBytes()) {
            if (declared <= DRAIN_FACTOR * config.maxBodyBytes()) {
                // A client still sending when the 413 comes sees a broken pipe instead of the answer;
                // for a body only somewhat over the limit, reading it to the end is cheaper than that.
                try (InputStream in = ctx.bodyInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
            }
            return null;
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes((int) config.maxBodyBytes() + 1);
            return body.length > config.maxBodyBytes() ? null : body;
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters: an explicit id may hold anything. */
    static String pathSegment(String id) {
        var sb = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }
}
