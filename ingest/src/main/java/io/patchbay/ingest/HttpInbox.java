package io.patchbay.ingest;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.NodeTargets;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code POST /v1/patches}: takes a patch over HTTP and answers 202 only once the Submit command is
 * on Kafka. Whether the patch is allowed is the executor's verdict; the inbox only checks that the
 * caller holds a token and that the body is a patch.
 */
public final class HttpInbox {

    private static final Logger log = LoggerFactory.getLogger(HttpInbox.class);

    public static final String PATH = "/v1/patches";
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");

    /**
     * @param tokenHashes token name to the lower-case sha256 hex of the token; the name becomes the
     *     submitter id, the token itself is never held
     * @param maxBodyBytes bodies above this are refused with 413
     */
    public record Config(Map<String, String> tokenHashes, long maxBodyBytes) {

        public Config {
            if (tokenHashes == null) {
                throw new IllegalArgumentException("tokenHashes is required (it may be empty)");
            }
            var normalised = new TreeMap<String, String>();
            for (Map.Entry<String, String> e : tokenHashes.entrySet()) {
                String name = e.getKey();
                String hash = e.getValue() == null ? "" : e.getValue().trim().toLowerCase(Locale.ROOT);
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("a token needs a name");
                }
                if (!SHA256_HEX.matcher(hash).matches()) {
                    throw new IllegalArgumentException("token '" + name + "': expected the sha256 of the token as 64 hex digits");
                }
                normalised.put(name, hash);
            }
            tokenHashes = java.util.Collections.unmodifiableMap(normalised);
            if (maxBodyBytes <= 0 || maxBodyBytes >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxBodyBytes must be between 1 and " + (Integer.MAX_VALUE - 1));
            }
        }

        /** With the default body limit of 1 MiB. */
        public static Config of(Map<String, String> tokenHashes) {
            return new Config(tokenHashes, DEFAULT_MAX_BODY_BYTES);
        }
    }

    private final Config config;
    private final CommandPublisher publisher;
    private final Clock clock;
    private final Map<String, byte[]> hashes;
    private final Supplier<? extends NodeTargets> targets;

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
        this.config = config;
        this.publisher = publisher;
        this.clock = clock;
        this.targets = targets;
        var decoded = new TreeMap<String, byte[]>();
        config.tokenHashes().forEach((name, hex) -> decoded.put(name, HexFormat.of().parseHex(hex)));
        this.hashes = decoded;
        if (hashes.isEmpty()) {
            log.warn("the HTTP inbox has no tokens configured: every submission will be refused with 401");
        }
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(PATH, this::submit);
    }

    /** The body of a 202. */
    record Accepted(String id, String domain, String title, String status, String statusUrl, String summaryUrl) {}

    private void submit(Context ctx) {
        String tokenName = authenticate(ctx.header("Authorization"));
        if (tokenName == null) {
            log.warn("refused a submission from {} without a valid token", ctx.ip());
            ctx.header("WWW-Authenticate", "Bearer realm=\"patchbay\"");
            Problem.send(ctx, HttpStatus.UNAUTHORIZED, "send Authorization: Bearer <token> with a configured token", null);
            return;
        }
        Format format = Format.ofContentType(ctx.contentType());
        if (format == null) {
            Problem.send(ctx, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type " + ctx.contentType()
                    + " is not a patch: use application/json, application/yaml or text/x-diff", null);
            return;
        }
        byte[] body;
        try {
            body = readBody(ctx);
        } catch (IOException e) {
            Problem.send(ctx, HttpStatus.BAD_REQUEST, "the body could not be read: " + e.getMessage(), null);
            return;
        }
        if (body == null) {
            Problem.send(ctx, HttpStatus.CONTENT_TOO_LARGE, "the body is over the limit of " + config.maxBodyBytes()
                    + " bytes", null);
            return;
        }
        Patch patch;
        try {
            patch = SubmissionReader.read(body, format, blankToNull(ctx.queryParam("domain")), targets.get())
                    .withDefaultId();
        } catch (PatchFormatException e) {
            log.info("refused a {} submission from token {}: {}", format, tokenName, e.getMessage());
            Problem.send(ctx, HttpStatus.BAD_REQUEST, "the body is not a valid patch", e.problems());
            return;
        }
        MDC.put("patchId", patch.id());
        try {
            publisher.publish(new Command.Submit(patch, Submitter.http(tokenName), clock.instant()));
            String statusUrl = PATH + "/" + pathSegment(patch.id());
            log.info("accepted patch {} for domain {} over HTTP from token {}", patch.id(), patch.domain(), tokenName);
            ctx.status(HttpStatus.ACCEPTED)
                    .header("Location", statusUrl)
                    .contentType("application/json")
                    .result(Json.canonical(new Accepted(patch.id(), patch.domain(), patch.title(), "Submitted",
                            statusUrl, statusUrl + "/summary")));
        } catch (PublishException e) {
            if (e.retriable()) {
                log.warn("could not hand patch {} to Kafka, answered 503: {}", patch.id(), e.getMessage());
                ctx.header("Retry-After", "5");
                Problem.send(ctx, HttpStatus.SERVICE_UNAVAILABLE,
                        "the command log did not take the patch; nothing was submitted, try again", null);
            } else {
                log.warn("Kafka refused patch {} for good: {}", patch.id(), e.getMessage());
                Problem.send(ctx, e.getCause() instanceof RecordTooLargeException
                                ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.INTERNAL_SERVER_ERROR,
                        "the command log refused the patch: " + e.getMessage(), null);
            }
        } finally {
            MDC.remove("patchId");
        }
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
