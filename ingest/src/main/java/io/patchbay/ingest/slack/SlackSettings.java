package io.patchbay.ingest.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How patchbay connects to Slack, read and checked once: secrets from the environment (or from the
 * git-ignored {@code var/secrets/slack.yml}) and connection settings. Who may submit and approve
 * from Slack, which channel means which domain and where a domain's alerts go are the execution
 * contract's ({@code submitters.slackUsers}, {@code submitters.slackChannels},
 * {@code risk.approvers}, {@code routes.slackChannels}, {@code alerts.slackChannel}), so they
 * change with it, and are not read here.
 *
 * <p>Each secret may come from patchbay's own variable ({@code PATCHBAY_SLACK_*}), from Bolt's
 * standard one ({@code SLACK_*}) or from the file, and wins in that order: the patchbay name is
 * the more specific one, so a machine-wide {@code SLACK_BOT_TOKEN} meant for another tool never
 * overrides what was set for patchbay.
 *
 * @param signingSecret checks every request over HTTP; may be null only with an app token
 * @param botToken calls the Web API (replies, files.info, downloads)
 * @param appToken an app-level token ({@code xapp-…}): Socket Mode, no public URL needed; null for HTTP only
 * @param stateDir where deliveries, threads and the outbox are kept ({@code var/slack})
 * @param apiUrl Slack's Web API prefix; null for Slack itself (tests point it at a local fake)
 * @param fileUrlPrefixes the only places the bot token is sent to download a file
 * @param perChannelInterval the least time between two messages to one channel (Slack allows about 1/s)
 * @param outboxCapacity messages waiting for Slack beyond this are dropped with a log line
 * @param maxAttempts tries per message while Slack answers but fails it; an unreachable Slack costs no try
 * @param maxFileBytes uploaded files above this are refused
 * @param digest when and where the daily digest is posted; null posts none
 */
public record SlackSettings(
        String signingSecret,
        String botToken,
        String appToken,
        Path stateDir,
        String apiUrl,
        List<String> fileUrlPrefixes,
        Duration perChannelInterval,
        int outboxCapacity,
        int maxAttempts,
        long maxFileBytes,
        DigestSchedule digest) {

    private static final Logger log = LoggerFactory.getLogger(SlackSettings.class);

    public static final String ENV_SIGNING_SECRET = "PATCHBAY_SLACK_SIGNING_SECRET";
    public static final String ENV_BOT_TOKEN = "PATCHBAY_SLACK_BOT_TOKEN";
    public static final String ENV_APP_TOKEN = "PATCHBAY_SLACK_APP_TOKEN";
    public static final String ENV_API_URL = "PATCHBAY_SLACK_API_URL";
    /** Bolt's own names, as every Bolt app reads them. */
    public static final String BOLT_SIGNING_SECRET = "SLACK_SIGNING_SECRET";
    public static final String BOLT_BOT_TOKEN = "SLACK_BOT_TOKEN";
    public static final String BOLT_APP_TOKEN = "SLACK_APP_TOKEN";
    public static final List<String> SLACK_FILE_HOSTS = List.of("https://files.slack.com/");

    public SlackSettings {
        if (botToken == null || botToken.isBlank()) {
            throw new IllegalArgumentException("Slack needs a bot token (" + ENV_BOT_TOKEN + " or " + BOLT_BOT_TOKEN + ")");
        }
        if ((signingSecret == null || signingSecret.isBlank()) && (appToken == null || appToken.isBlank())) {
            throw new IllegalArgumentException("Slack needs a signing secret (" + ENV_SIGNING_SECRET + " or "
                    + BOLT_SIGNING_SECRET + ") to check requests, or an app-level token (" + ENV_APP_TOKEN + " or "
                    + BOLT_APP_TOKEN + ") for Socket Mode");
        }
        signingSecret = blankToNull(signingSecret);
        appToken = blankToNull(appToken);
        if (stateDir == null) {
            throw new IllegalArgumentException("Slack needs a folder for its state (var/slack)");
        }
        apiUrl = blankToNull(apiUrl);
        fileUrlPrefixes = fileUrlPrefixes == null || fileUrlPrefixes.isEmpty() ? SLACK_FILE_HOSTS : List.copyOf(fileUrlPrefixes);
        perChannelInterval = perChannelInterval == null ? Duration.ofSeconds(1) : perChannelInterval;
        outboxCapacity = outboxCapacity <= 0 ? 10_000 : outboxCapacity;
        maxAttempts = maxAttempts <= 0 ? 5 : maxAttempts;
        // By default the largest command patchbay carries; a larger file could never travel as one record.
        maxFileBytes = maxFileBytes <= 0 ? io.patchbay.contracts.topic.RecordLimits.DEFAULT.maxCommandBytes() : maxFileBytes;
    }

    /**
     * Default limits: 1 message a second per channel, 10,000 waiting, 5 tries, files up to the
     * largest command of the default record limit, Slack's own API.
     */
    public static SlackSettings of(String signingSecret, String botToken, Path stateDir) {
        return new SlackSettings(signingSecret, botToken, null, stateDir, null, null, null, 0, 0, 0, null);
    }

    /** Files larger than a command of {@code limits} can carry are refused with a reply. */
    public SlackSettings withRecordLimits(io.patchbay.contracts.topic.RecordLimits limits) {
        return new SlackSettings(signingSecret, botToken, appToken, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, limits.maxCommandBytes(), digest);
    }

    public SlackSettings withAppToken(String token) {
        return new SlackSettings(signingSecret, botToken, token, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, digest);
    }

    /** Sends every Web API call and file download to {@code url} (a local fake Slack in tests). */
    public SlackSettings withApiUrl(String url, List<String> filePrefixes) {
        return new SlackSettings(signingSecret, botToken, appToken, stateDir, url, filePrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, digest);
    }

    public SlackSettings withOutbox(Duration interval, int capacity, int attempts) {
        return new SlackSettings(signingSecret, botToken, appToken, stateDir, apiUrl, fileUrlPrefixes,
                interval, capacity, attempts, maxFileBytes, digest);
    }

    public SlackSettings withDigest(DigestSchedule schedule) {
        return new SlackSettings(signingSecret, botToken, appToken, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, schedule);
    }

    public boolean socketMode() {
        return appToken != null;
    }

    /**
     * The file's layout. {@code domains} is only read to refuse it: the contract says who may do what
     * ({@link LegacySlackDomains} names the contract keys each entry moves to).
     */
    record File(String signingSecret, String botToken, String appToken, Map<String, LegacySlackDomains.Domain> domains,
            DigestFile digest) {}

    /** The digest as written in the file; the hour defaults to 8 and the zone to UTC. */
    record DigestFile(String channel, Integer hour, String zone) {
        DigestSchedule schedule() {
            try {
                return new DigestSchedule(channel, hour == null ? 8 : hour,
                        zone == null || zone.isBlank() ? null : java.time.ZoneId.of(zone.strip()));
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("the digest's zone '" + zone + "' is not a time zone such as "
                        + "UTC or Europe/Berlin", e);
            }
        }
    }

    /** A secret as found, and the name it was found under ({@code null} when it is set nowhere). */
    record Found(String value, String source) {}

    /**
     * Settings and the sentences that say where each secret came from and which setting lost, for
     * the start-up log.
     */
    record Loaded(SlackSettings settings, List<String> sources) {}

    /**
     * Reads the settings; empty when Slack is not configured (no file and no bot token in the
     * environment under either name). Logs where each secret came from.
     *
     * @param file {@code var/secrets/slack.yml}; may be missing
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Optional<SlackSettings> load(Path file, Map<String, String> env, Path stateDir) {
        Optional<Loaded> loaded = read(file, env, stateDir);
        loaded.ifPresent(l -> l.sources().forEach(line -> log.info("Slack: {}", line)));
        return loaded.map(Loaded::settings);
    }

    static Optional<Loaded> read(Path file, Map<String, String> env, Path stateDir) {
        File f = new File(null, null, null, null, null);
        boolean hasFile = file != null && Files.isRegularFile(file);
        if (hasFile) {
            try {
                File read = Json.yaml().readValue(Files.readAllBytes(file), File.class);
                f = read == null ? f : read;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        } else if (blankToNull(env.get(ENV_BOT_TOKEN)) == null && blankToNull(env.get(BOLT_BOT_TOKEN)) == null) {
            return Optional.empty();
        }
        if (f.domains() != null && !f.domains().isEmpty()) {
            throw new IllegalArgumentException(file + ": " + LegacySlackDomains.refusal(f.domains()));
        }
        String fileName = hasFile ? file.getFileName().toString() : null;
        var sources = new ArrayList<String>();
        Found secret = pick("signing secret", env, ENV_SIGNING_SECRET, BOLT_SIGNING_SECRET, fileName, f.signingSecret(), sources);
        Found bot = pick("bot token", env, ENV_BOT_TOKEN, BOLT_BOT_TOKEN, fileName, f.botToken(), sources);
        Found app = pick("app-level token", env, ENV_APP_TOKEN, BOLT_APP_TOKEN, fileName, f.appToken(), sources);
        SlackSettings settings;
        try {
            settings = new SlackSettings(secret.value(), bot.value(), app.value(), stateDir, env.get(ENV_API_URL), null,
                    null, 0, 0, 0, f.digest() == null ? null : f.digest().schedule());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((hasFile ? file + ": " : "") + e.getMessage(), e);
        }
        sources.add(settings.signingSecret() == null ? "no signing secret: " + SlackService.EVENTS_PATH + " is not served"
                : "requests to " + SlackService.EVENTS_PATH + " are checked with the signing secret");
        sources.add(settings.socketMode() ? "Socket Mode is on (an app-level token is set)"
                : "Socket Mode is off (no app-level token); Slack calls " + SlackService.EVENTS_PATH);
        return Optional.of(new Loaded(settings, sources));
    }

    /** patchbay's variable, else Bolt's, else the file; says which one was taken and which were passed over. */
    private static Found pick(String what, Map<String, String> env, String ours, String bolts, String fileName,
            String fromFile, List<String> sources) {
        var candidates = new ArrayList<Found>();
        if (blankToNull(env.get(ours)) != null) {
            candidates.add(new Found(env.get(ours).trim(), ours));
        }
        if (blankToNull(env.get(bolts)) != null) {
            candidates.add(new Found(env.get(bolts).trim(), bolts));
        }
        if (blankToNull(fromFile) != null) {
            candidates.add(new Found(fromFile.trim(), fileName));
        }
        if (candidates.isEmpty()) {
            return new Found(null, null);
        }
        Found taken = candidates.get(0);
        var line = new StringBuilder(what).append(" from ").append(taken.source());
        List<String> ignored = candidates.subList(1, candidates.size()).stream().map(Found::source).toList();
        if (!ignored.isEmpty()) {
            line.append(" (").append(String.join(" and ", ignored)).append(ignored.size() == 1 ? " is" : " are")
                    .append(" also set and not used: ").append(ours).append(" wins over ").append(bolts)
                    .append(", which wins over slack.yml)");
        }
        sources.add(line.toString());
        return taken;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Never print the secrets. */
    @Override
    public String toString() {
        return "SlackSettings[socketMode=" + socketMode() + ", stateDir=" + stateDir
                + ", apiUrl=" + (apiUrl == null ? "slack.com" : apiUrl) + ", digest=" + digest + "]";
    }
}
