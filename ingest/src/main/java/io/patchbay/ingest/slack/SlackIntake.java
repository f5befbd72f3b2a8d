package io.patchbay.ingest.slack;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader.Format;
import io.patchbay.ingest.CommandPublisher;
import io.patchbay.ingest.PublishException;
import io.patchbay.ingest.SubmissionReader;
import io.patchbay.ingest.slack.PatchThreads.PatchThread;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns what was posted in Slack into a Submit command, after Slack has been acknowledged: reads
 * the patch (code block, file or {@code /patch} text), finds its domain, checks that the person or
 * channel may submit there, publishes, and answers in the message's thread. Never throws: every
 * outcome is a reply.
 */
final class SlackIntake {

    private static final Logger log = LoggerFactory.getLogger(SlackIntake.class);
    /** How long a slash command waits for its own message to thread under. */
    static final Duration ROOT_POST_TIMEOUT = Duration.ofSeconds(20);

    /** A patch ready to publish, or the reason it is not. */
    record Checked(Patch patch, String refusal) {}

    private final SlackSettings settings;
    private final SlackPermissions permissions;
    private final SlackApi api;
    private final SlackOutbox outbox;
    private final PatchThreads threads;
    private final DeliveryClaims deliveries;
    private final CommandPublisher publisher;
    private final Clock clock;

    SlackIntake(SlackSettings settings, SlackPermissions permissions, SlackApi api, SlackOutbox outbox, PatchThreads threads, DeliveryClaims deliveries,
            CommandPublisher publisher, Clock clock) {
        this.settings = settings;
        this.permissions = permissions;
        this.api = api;
        this.outbox = outbox;
        this.threads = threads;
        this.deliveries = deliveries;
        this.publisher = publisher;
        this.clock = clock;
    }

    void handle(SlackSubmission s) {
        try {
            switch (s.kind()) {
                case MESSAGE -> fromMessage(s);
                case FILE -> fromFiles(s);
                case COMMAND -> fromCommand(s);
            }
        } catch (RuntimeException e) {
            log.error("a Slack submission from {} in {} failed", s.user(), s.channel(), e);
            reply(s.channel(), s.threadTs(), SlackMessages.notTaken("an internal error"));
        }
    }

    private void fromMessage(SlackSubmission s) {
        String text = SlackText.unescape(s.text());
        Optional<SlackText.Snippet> snippet = SlackText.codeBlock(text);
        if (snippet.isEmpty()) {
            return;
        }
        Checked c = check(snippet.get(), SlackText.domainIn(text), s.user(), s.channel());
        submitInThread(s, c, s.threadTs());
    }

    private void fromFiles(SlackSubmission s) {
        String text = SlackText.unescape(s.text());
        for (String fileId : s.fileIds()) {
            // The same upload arrives as a message with files and as file_shared, maybe on two instances:
            // whichever claims first reads it.
            String key = s.team() + ":file:" + fileId;
            if (!deliveries.claimAfterAck(key)) {
                continue;
            }
            try {
                fromFile(s, text, fileId);
            } finally {
                deliveries.done(key);
            }
        }
    }

    private void fromFile(SlackSubmission s, String text, String fileId) {
        SlackApi.FileInfo info;
        try {
            info = api.fileInfo(fileId, s.channel());
        } catch (SlackCallException e) {
            log.warn("cannot look up file {} shared by {} in {}: {}", fileId, s.user(), s.channel(), e.getMessage());
            return;
        }
        Format format = info.name() == null ? null : Format.ofFileName(info.name());
        if (format == null) {
            return; // not every shared file is a patch
        }
        String threadTs = s.threadTs() != null ? s.threadTs() : info.sharedTs();
        if (threadTs == null) {
            log.info("file {} in {} has no message to answer under yet; its message event will bring it", fileId, s.channel());
            return;
        }
        if (info.size() > settings.maxFileBytes()) {
            reply(s.channel(), threadTs, SlackMessages.notAPatch(List.of("the file " + info.name() + " is "
                    + info.size() + " bytes, over the limit of " + settings.maxFileBytes())));
            return;
        }
        byte[] bytes;
        try {
            bytes = api.download(info, settings.maxFileBytes());
        } catch (SlackCallException e) {
            log.warn("cannot download file {} ({}) from {}: {}", fileId, info.name(), s.channel(), e.getMessage());
            reply(s.channel(), threadTs, e.retriable() ? SlackMessages.notTaken("the file could not be downloaded")
                    : SlackMessages.notAPatch(List.of(e.getMessage())));
            return;
        }
        Checked c = check(bytes, format, SlackText.domainIn(text), s.user(), s.channel());
        submitInThread(s, c, threadTs);
    }

    /** The patch of a {@code /patch <domain> <text>} command, checked; cheap enough to run before the ack. */
    Checked checkCommand(String text, String user, String channel) {
        String t = SlackText.unescape(text).strip();
        String domain = null;
        String rest = t;
        if (!t.startsWith("```")) {
            int space = indexOfWhitespace(t);
            domain = space < 0 ? t : t.substring(0, space);
            rest = space < 0 ? "" : t.substring(space).strip();
        }
        if (rest.isEmpty()) {
            return new Checked(null, "Usage: `/patch <domain> <diff, JSON or YAML>`, e.g. `/patch main` followed by a "
                    + "code block with the diff.");
        }
        String body = rest;
        SlackText.Snippet snippet = SlackText.codeBlock(body).orElseGet(() -> SlackText.bare(body));
        return check(snippet, domain, user, channel);
    }

    private void fromCommand(SlackSubmission s) {
        Checked c = checkCommand(s.text(), s.user(), s.channel());
        if (c.patch() == null) {
            respond(s, c.refusal());
            return;
        }
        var root = SlackOutbox.Message.post(s.channel(), null, SlackMessages.commandRoot(s.user(), c.patch().domain()), null);
        outbox.offer(root);
        String rootTs;
        try {
            rootTs = root.sent().get(ROOT_POST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            // No thread to answer in: nothing is submitted, and the thread's first message must not appear later.
            if (!outbox.withdraw(root)) {
                try {
                    rootTs = root.sent().get(ROOT_POST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    submitInThread(s, c, rootTs);
                    return;
                } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException again) {
                    // fall through: it was not posted after all
                } catch (InterruptedException again) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            log.warn("cannot post in {} to thread a /patch from {}: {}", s.channel(), s.user(), e.toString());
            respond(s, e instanceof TimeoutException
                    ? "Slack did not take patchbay's message in time (is Slack's Web API reachable?), so nothing was"
                            + " submitted; please try again."
                    : "patchbay cannot post in this channel (invite the app to it), so nothing was submitted.");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        submitInThread(s, c, rootTs);
    }

    private Checked check(SlackText.Snippet snippet, String explicitDomain, String user, String channel) {
        return check(snippet.body().getBytes(StandardCharsets.UTF_8), snippet.format(), explicitDomain, user, channel);
    }

    private Checked check(byte[] bytes, Format format, String explicitDomain, String user, String channel) {
        String channelDomain = permissions.domainOfChannel(channel).orElse(null);
        Patch patch;
        try {
            // A domain typed by the person binds; the channel's domain is only a default.
            patch = explicitDomain != null
                    ? SubmissionReader.read(bytes, format, explicitDomain, true)
                    : SubmissionReader.read(bytes, format, channelDomain, false);
            patch = patch.withDefaultId();
        } catch (PatchFormatException e) {
            return new Checked(null, e.problems().equals(List.of(SubmissionReader.NO_DOMAIN))
                    ? SlackMessages.noDomain() : SlackMessages.notAPatch(e.problems()));
        }
        SlackPermissions.SubmitRefusal refusal = permissions.submitRefusal(patch.domain(), user, channel);
        if (refusal != null) {
            log.info("refused a Slack patch for {} from {} in {}: {}", patch.domain(), user, channel, refusal);
            return new Checked(null, switch (refusal) {
                case UNKNOWN_DOMAIN -> SlackMessages.unknownDomain(patch.domain());
                case NO_SLACK_SUBMITTERS -> SlackMessages.notOpen(patch.domain());
                case NOT_A_SUBMITTER -> SlackMessages.notAllowed(user, patch.domain());
            });
        }
        return new Checked(patch, null);
    }

    private void submitInThread(SlackSubmission s, Checked c, String threadTs) {
        if (c.patch() == null) {
            reply(s.channel(), threadTs, c.refusal());
            return;
        }
        Patch patch = c.patch();
        MDC.put("patchId", patch.id());
        try {
            boolean first = threads.add(new PatchThread(patch.id(), patch.domain(), s.channel(), threadTs, s.user(), null,
                    false));
            try {
                publisher.publish(new Command.Submit(patch, Submitter.slack(s.user(), s.channel()), clock.instant()));
            } catch (PublishException e) {
                log.warn("Kafka did not take patch {} from Slack: {}", patch.id(), e.getMessage());
                if (first) {
                    threads.remove(patch.id());
                }
                reply(s.channel(), threadTs, SlackMessages.notTaken(e.retriable() ? "the command log is unavailable"
                        : "the command log refused it: " + e.getMessage()));
                return;
            }
            log.info("accepted patch {} for domain {} from Slack user {} in {}", patch.id(), patch.domain(), s.user(),
                    s.channel());
            reply(s.channel(), threadTs, SlackMessages.received(patch.id(), patch.domain(), patch.title(), !first));
        } finally {
            MDC.remove("patchId");
        }
    }

    private void reply(String channel, String threadTs, String text) {
        outbox.offer(SlackOutbox.Message.post(channel, threadTs, text, null));
    }

    private void respond(SlackSubmission s, String text) {
        if (s.responseUrl() == null) {
            return;
        }
        try {
            api.respond(s.responseUrl(), text);
        } catch (SlackCallException e) {
            log.warn("cannot answer {} through its response_url: {}", s.user(), e.getMessage());
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
