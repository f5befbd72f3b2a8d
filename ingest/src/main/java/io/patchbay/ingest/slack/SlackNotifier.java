package io.patchbay.ingest.slack;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.ingest.slack.PatchThreads.PatchThread;
import io.patchbay.ingest.slack.SlackMessages.ApprovalRef;
import io.patchbay.ingest.slack.SlackMessages.Reply;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the event log and tells each Slack-submitted patch's thread what became of it: the
 * verdict, approval buttons when it waits for approval, the start, and the result with its summary.
 * Patches from other channels have no thread and are passed over. Only hands messages to the
 * outbox, so it never waits on Slack.
 */
public final class SlackNotifier {

    private static final Logger log = LoggerFactory.getLogger(SlackNotifier.class);

    private final PatchThreads threads;
    private final SlackOutbox outbox;

    SlackNotifier(PatchThreads threads, SlackOutbox outbox) {
        this.threads = threads;
        this.outbox = outbox;
    }

    public void on(Event event) {
        if (event.patchId() == null) {
            return;
        }
        Optional<PatchThread> found = threads.get(event.patchId());
        if (found.isEmpty()) {
            return;
        }
        PatchThread thread = found.get();
        EventBody body = event.body();
        if (thread.approvalTs() != null && closesApproval(body)) {
            Reply closed = SlackMessages.approvalClosed("closed, the patch is now "
                    + PatchStatus.after(body, PatchStatus.AWAITING_APPROVAL).label() + ".");
            outbox.offer(SlackOutbox.Message.update(thread.channel(), thread.approvalTs(), closed.text(), closed.blocks()));
            thread = thread.withApprovalTs(null);
            threads.put(thread);
        }
        Reply reply = SlackMessages.forEvent(body, new ApprovalRef(event.domain(), event.patchId()));
        if (reply == null) {
            return;
        }
        var message = SlackOutbox.Message.post(thread.channel(), thread.threadTs(), reply.text(), reply.blocks());
        if (body instanceof EventBody.AwaitingApproval) {
            // Remember the buttons once posted (see sent), so that they can be taken away once the approval is over.
            message = message.holdingApprovalOf(event.patchId());
        }
        if (!outbox.offer(message)) {
            log.warn("patch {}: the {} reply to Slack was dropped", event.patchId(), event.type());
        }
    }

    /**
     * A message left the outbox: the one with a patch's approval buttons is remembered by its ts, even
     * when it was posted after a restart.
     */
    void sent(SlackOutbox.Message message, String ts) {
        if (message.approvalOf() != null && ts != null) {
            threads.get(message.approvalOf()).ifPresent(t -> threads.put(t.withApprovalTs(ts)));
        }
    }

    /** Events after which approving or rejecting makes no more sense. */
    private static boolean closesApproval(EventBody body) {
        return body.terminal() || body instanceof EventBody.Queued || body instanceof EventBody.Dispatched
                || body instanceof EventBody.Started;
    }
}
