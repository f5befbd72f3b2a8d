package io.patchbay.ingest.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the Slack channel needs, read and checked once. Secrets come from the environment
 * (or from the git-ignored {@code var/secrets/slack.yml}); who may submit and approve, and which
 * channel means which domain, from that file:
 *
 * <pre>
 * domains:
 *   main:
 *     channels: [C0MAIN]                          # messages and /patch here are for main
 *     submitters: {users: [U0ALICE], channels: [C0MAIN]}
 *     approvers: [U0BOB, carol]                   # Slack user ids, or people named in the contract's identities
 *     fourEyes: true                              # the submitter never approves their own patch
 * </pre>
 *
 * @param signingSecret checks every request over HTTP; may be null only with an app token
 * @param botToken calls the Web API (replies, files.info, downloads)
 * @param appToken an app-level token ({@code xapp-…}): Socket Mode, no public URL needed; null for HTTP only
 * @param domains the domains open to Slack, by name
 * @param stateDir where deliveries and threads are remembered ({@code var/slack})
 * @param apiUrl Slack's Web API prefix; null for Slack itself (tests point it at a local fake)
 * @param fileUrlPrefixes the only places the bot token is sent to download a file
 * @param perChannelInterval the least time between two messages to one channel (Slack allows about 1/s)
 * @param outboxCapacity messages waiting for Slack beyond this are dropped with a log line
 * @param maxAttempts tries per message before it is dropped
 * @param maxFileBytes uploaded files above this are refused
 * @param digest when and where the daily digest is posted; null posts none
 */
public record SlackSettings(
        String signingSecret,
        String botToken,
        String appToken,
        Map<String, SlackDomain> domains,
        Path stateDir,
        String apiUrl,
        List<String> fileUrlPrefixes,
        Duration perChannelInterval,
        int outboxCapacity,
        int maxAttempts,
        long maxFileBytes,
        DigestSchedule digest) {

    public static final String ENV_SIGNING_SECRET = "PATCHBAY_SLACK_SIGNING_SECRET";
    public static final String ENV_BOT_TOKEN = "PATCHBAY_SLACK_BOT_TOKEN";
    public static final String ENV_APP_TOKEN = "PATCHBAY_SLACK_APP_TOKEN";
    public static final String ENV_API_URL = "PATCHBAY_SLACK_API_URL";
    public static final List<String> SLACK_FILE_HOSTS = List.of("https://files.slack.com/");

    /** Who may submit to a domain. */
    public record Submitters(List<String> users, List<String> channels) {
        public Submitters {
            users = users == null ? List.of() : List.copyOf(users);
            channels = channels == null ? List.of() : List.copyOf(channels);
        }
    }

    /** What Slack may do with one domain. */
    public record SlackDomain(List<String> channels, Submitters submitters, List<String> approvers, Boolean fourEyes,
            String alertChannel) {

        public SlackDomain(List<String> channels, Submitters submitters, List<String> approvers, Boolean fourEyes) {
            this(channels, submitters, approvers, fourEyes, null);
        }

        public SlackDomain {
            channels = channels == null ? List.of() : List.copyOf(channels);
            submitters = submitters == null ? new Submitters(null, null) : submitters;
            approvers = approvers == null ? List.of() : List.copyOf(approvers);
            fourEyes = fourEyes == null || fourEyes;
        }

        public boolean maySubmit(String user, String channel) {
            return submitters.users().contains(user) || submitters.channels().contains(channel);
        }

        public boolean mayApprove(String user) {
            return approvers.contains(user);
        }

        /** Whether the approvers list the user, or the person the contract's identities say the user is. */
        public boolean mayApprove(String user, String person) {
            return mayApprove(user) || (person != null && approvers.contains(person));
        }
    }

    public SlackSettings {
        if (botToken == null || botToken.isBlank()) {
            throw new IllegalArgumentException("Slack needs a bot token (" + ENV_BOT_TOKEN + ")");
        }
        if ((signingSecret == null || signingSecret.isBlank()) && (appToken == null || appToken.isBlank())) {
            throw new IllegalArgumentException("Slack needs a signing secret (" + ENV_SIGNING_SECRET
                    + ") to check requests, or an app-level token (" + ENV_APP_TOKEN + ") for Socket Mode");
        }
        signingSecret = blankToNull(signingSecret);
        appToken = blankToNull(appToken);
        domains = domains == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(domains));
        var owner = new HashMap<String, String>();
        for (Map.Entry<String, SlackDomain> d : domains.entrySet()) {
            for (String channel : d.getValue().channels()) {
                String other = owner.putIfAbsent(channel, d.getKey());
                if (other != null) {
                    throw new IllegalArgumentException("Slack channel " + channel + " is mapped to both domain '" + other
                            + "' and domain '" + d.getKey() + "'");
                }
            }
        }
        if (stateDir == null) {
            throw new IllegalArgumentException("Slack needs a folder for its state (var/slack)");
        }
        apiUrl = blankToNull(apiUrl);
        fileUrlPrefixes = fileUrlPrefixes == null || fileUrlPrefixes.isEmpty() ? SLACK_FILE_HOSTS : List.copyOf(fileUrlPrefixes);
        perChannelInterval = perChannelInterval == null ? Duration.ofSeconds(1) : perChannelInterval;
        outboxCapacity = outboxCapacity <= 0 ? 1000 : outboxCapacity;
        maxAttempts = maxAttempts <= 0 ? 5 : maxAttempts;
        // By default the largest command patchbay carries; a larger file could never travel as one record.
        maxFileBytes = maxFileBytes <= 0 ? io.patchbay.contracts.topic.RecordLimits.DEFAULT.maxCommandBytes() : maxFileBytes;
    }

    /** Without a daily digest. */
    public SlackSettings(String signingSecret, String botToken, String appToken, Map<String, SlackDomain> domains,
            Path stateDir, String apiUrl, List<String> fileUrlPrefixes, Duration perChannelInterval, int outboxCapacity,
            int maxAttempts, long maxFileBytes) {
        this(signingSecret, botToken, appToken, domains, stateDir, apiUrl, fileUrlPrefixes, perChannelInterval,
                outboxCapacity, maxAttempts, maxFileBytes, null);
    }

    /**
     * Default limits: 1 message a second per channel, 1000 waiting, 5 tries, files up to the largest
     * command of the default record limit, Slack's own API.
     */
    public static SlackSettings of(String signingSecret, String botToken, Map<String, SlackDomain> domains, Path stateDir) {
        return new SlackSettings(signingSecret, botToken, null, domains, stateDir, null, null, null, 0, 0, 0);
    }

    /** Files larger than a command of {@code limits} can carry are refused with a reply. */
    public SlackSettings withRecordLimits(io.patchbay.contracts.topic.RecordLimits limits) {
        return new SlackSettings(signingSecret, botToken, appToken, domains, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, limits.maxCommandBytes(), digest);
    }

    public SlackSettings withAppToken(String token) {
        return new SlackSettings(signingSecret, botToken, token, domains, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, digest);
    }

    /** Sends every Web API call and file download to {@code url} (a local fake Slack in tests). */
    public SlackSettings withApiUrl(String url, List<String> filePrefixes) {
        return new SlackSettings(signingSecret, botToken, appToken, domains, stateDir, url, filePrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, digest);
    }

    public SlackSettings withOutbox(Duration interval, int capacity, int attempts) {
        return new SlackSettings(signingSecret, botToken, appToken, domains, stateDir, apiUrl, fileUrlPrefixes,
                interval, capacity, attempts, maxFileBytes, digest);
    }

    public SlackSettings withDigest(DigestSchedule schedule) {
        return new SlackSettings(signingSecret, botToken, appToken, domains, stateDir, apiUrl, fileUrlPrefixes,
                perChannelInterval, outboxCapacity, maxAttempts, maxFileBytes, schedule);
    }

    /** The domain a channel is mapped to. */
    public Optional<String> domainOfChannel(String channel) {
        return domains.entrySet().stream().filter(e -> e.getValue().channels().contains(channel))
                .map(Map.Entry::getKey).findFirst();
    }

    public boolean socketMode() {
        return appToken != null;
    }

    /** The file's layout. */
    record File(String signingSecret, String botToken, String appToken, Map<String, SlackDomain> domains,
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

    /**
     * Reads the settings; empty when Slack is not configured (no file and no bot token in the environment).
     *
     * @param file {@code var/secrets/slack.yml}; may be missing
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Optional<SlackSettings> load(Path file, Map<String, String> env, Path stateDir) {
        File f = new File(null, null, null, null, null);
        if (file != null && Files.isRegularFile(file)) {
            try {
                File read = Json.yaml().readValue(Files.readAllBytes(file), File.class);
                f = read == null ? f : read;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        } else if (blankToNull(env.get(ENV_BOT_TOKEN)) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SlackSettings(
                    pick(env.get(ENV_SIGNING_SECRET), f.signingSecret()),
                    pick(env.get(ENV_BOT_TOKEN), f.botToken()),
                    pick(env.get(ENV_APP_TOKEN), f.appToken()),
                    f.domains(), stateDir, env.get(ENV_API_URL), null, null, 0, 0, 0,
                    f.digest() == null ? null : f.digest().schedule()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((file == null ? "" : file + ": ") + e.getMessage(), e);
        }
    }

    private static String pick(String fromEnv, String fromFile) {
        return blankToNull(fromEnv) != null ? fromEnv.trim() : blankToNull(fromFile);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Never print the secrets. */
    @Override
    public String toString() {
        return "SlackSettings[domains=" + domains.keySet() + ", socketMode=" + socketMode() + ", stateDir=" + stateDir
                + ", apiUrl=" + (apiUrl == null ? "slack.com" : apiUrl) + ", digest=" + digest + "]";
    }
}
