package io.patchbay.ingest.slack;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.policy.Identities;
import io.patchbay.ingest.CommandPublisher;
import io.patchbay.ingest.PublishException;
import io.patchbay.ingest.slack.PatchThreads.PatchThread;
import io.patchbay.ingest.slack.SlackMessages.ApprovalRef;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The Approve and Reject buttons: checks that the clicking person is an approver of the patch's
 * domain (and, under four-eyes, not its submitter, compared as people by the contract's identities;
 * a submitter may still withdraw their own patch with Reject), then publishes the command. The decider has the last word on whether it fits the
 * patch's state; its answer comes back as an event in the thread.
 */
final class SlackApprovals {

    private static final Logger log = LoggerFactory.getLogger(SlackApprovals.class);

    private final SlackPermissions permissions;
    private final PatchThreads threads;
    private final SlackOutbox outbox;
    private final CommandPublisher publisher;
    private final Clock clock;

    SlackApprovals(SlackPermissions permissions, PatchThreads threads, SlackOutbox outbox, CommandPublisher publisher,
            Clock clock) {
        this.permissions = permissions;
        this.threads = threads;
        this.outbox = outbox;
        this.publisher = publisher;
        this.clock = clock;
    }

    void handle(boolean approve, String user, String channel, String value) {
        ApprovalRef ref;
        try {
            ref = ApprovalRef.of(value);
        } catch (IllegalArgumentException e) {
            log.warn("ignored a button click from {} with an unreadable value", user);
            return;
        }
        MDC.put("patchId", ref.patchId());
        try {
            Optional<PatchThread> thread = threads.get(ref.patchId());
            String threadTs = thread.map(PatchThread::threadTs).orElse(null);
            String refusal = refusal(approve, user, ref, thread);
            if (refusal != null) {
                log.info("refused {} of patch {} by {}: {}", approve ? "an approval" : "a rejection", ref.patchId(), user, refusal);
                outbox.offer(SlackOutbox.Message.ephemeral(channel, user, threadTs, refusal));
                return;
            }
            Submitter by = new Submitter("slack", user);
            Command command = approve
                    ? new Command.Approve(ref.domain(), ref.patchId(), by, clock.instant())
                    : new Command.Reject(ref.domain(), ref.patchId(), by, clock.instant(), "rejected in Slack by " + user);
            try {
                publisher.publish(command);
            } catch (PublishException e) {
                log.warn("Kafka did not take the {} of patch {}: {}", approve ? "approval" : "rejection", ref.patchId(),
                        e.getMessage());
                outbox.offer(SlackOutbox.Message.ephemeral(channel, user, threadTs,
                        SlackMessages.notTaken("the command log is unavailable")));
                return;
            }
            log.info("{} of patch {} by Slack user {} published", approve ? "approval" : "rejection", ref.patchId(), user);
            outbox.offer(SlackOutbox.Message.ephemeral(channel, user, threadTs, SlackMessages.decisionRecorded(approve)));
        } finally {
            MDC.remove("patchId");
        }
    }

    private String refusal(boolean approve, String user, ApprovalRef ref, Optional<PatchThread> thread) {
        // Who is who by the contract in force: the early answer compares people as the decider does,
        // so a second Slack account of the submitter is refused at once.
        Identities identities = permissions.people();
        Submitter clicker = new Submitter("slack", user);
        boolean submitter = thread.map(t -> t.submitter() != null
                && identities.samePerson(clicker, new Submitter("slack", t.submitter()))).orElse(false);
        if (!approve && submitter) {
            return null;
        }
        if (!permissions.listsApprover(ref.domain(), user)) {
            return SlackMessages.notApprover(user, ref.domain());
        }
        if (approve && permissions.fourEyes(ref.domain()) && submitter) {
            return SlackMessages.ownPatch(user);
        }
        return null;
    }
}
