package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.model.block.LayoutBlock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlackOutboxTest {

    /** A Slack that records posts, optionally failing or hanging. */
    static final class ScriptedSlack implements SlackApi {
        final List<String> posted = new CopyOnWriteArrayList<>();
        final List<List<LayoutBlock>> postedBlocks = new CopyOnWriteArrayList<>();
        volatile SlackCallException failure;
        final CountDownLatch release = new CountDownLatch(1);
        volatile String hangOn;

        @Override
        public String post(String channel, String threadTs, String text, List<LayoutBlock> blocks)
                throws SlackCallException {
            if (channel.equals(hangOn)) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failure != null) {
                throw failure;
            }
            posted.add(channel + ":" + text);
            postedBlocks.add(blocks == null ? List.of() : blocks);
            return "ts-" + posted.size();
        }

        @Override
        public String checkAuth() throws SlackCallException {
            if (failure != null) {
                throw failure;
            }
            return "scripted";
        }

        @Override
        public void update(String channel, String ts, String text, List<LayoutBlock> blocks) {}

        @Override
        public void ephemeral(String channel, String user, String threadTs, String text) {}

        @Override
        public void respond(String responseUrl, String text) {}

        @Override
        public FileInfo fileInfo(String fileId, String channel) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] download(FileInfo file, long maxBytes) {
            throw new UnsupportedOperationException();
        }
    }

    private final ScriptedSlack slack = new ScriptedSlack();
    private SlackOutbox outbox;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        slack.release.countDown();
        outbox.close();
    }

    @Test
    void sendsEachChannelsMessagesInOrder() {
        outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 3);

        for (int i = 1; i <= 3; i++) {
            outbox.offer(SlackOutbox.Message.post("C1", "t", "m" + i, null));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 3);
        assertThat(slack.posted).containsExactly("C1:m1", "C1:m2", "C1:m3");
    }

    @Test
    void triesATransientFailureAgainAndDropsTheMessageAfterTheLastTry() {
        slack.failure = new SlackCallException("chat.postMessage answered service_unavailable", true, null, null);
        outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 2);
        var message = SlackOutbox.Message.post("C1", "t", "lost", null);
        var next = SlackOutbox.Message.post("C1", "t", "next", null);

        outbox.offer(message);
        outbox.offer(next);

        await().atMost(Duration.ofSeconds(10)).until(() -> message.sent().isDone());
        assertThat(message.sent()).isCompletedExceptionally();
        slack.failure = null;
        await().atMost(Duration.ofSeconds(5)).until(() -> next.sent().isDone());
        assertThat(slack.posted).containsExactly("C1:next");
    }

    @Test
    void dropsAMessageSlackRefusesForGoodAtOnce() {
        slack.failure = new SlackCallException("chat.postMessage answered channel_not_found", false, null, null);
        outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 3);
        var message = SlackOutbox.Message.post("C1", "t", "lost", null);

        outbox.offer(message);

        await().atMost(Duration.ofSeconds(5)).until(() -> message.sent().isDone());
        assertThat(message.sent()).isCompletedExceptionally();
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void neverBlocksTheCallerWhenSlackHangsAndDropsWhatDoesNotFit() {
        slack.hangOn = "C1";
        outbox = new SlackOutbox(slack, Duration.ofMillis(1), 2, 3);

        boolean first = outbox.offer(SlackOutbox.Message.post("C1", "t", "a", null));
        boolean second = outbox.offer(SlackOutbox.Message.post("C1", "t", "b", null));
        var third = SlackOutbox.Message.post("C1", "t", "c", null);
        boolean overflow = outbox.offer(third);

        assertThat(first).isTrue();
        assertThat(second).isTrue();
        assertThat(overflow).isFalse();
        assertThat(third.sent()).isCompletedExceptionally();
        slack.release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 2);
    }

    @Test
    void oneHangingChannelDoesNotHoldUpAnother() {
        slack.hangOn = "C1";
        outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 3);

        outbox.offer(SlackOutbox.Message.post("C1", "t", "stuck", null));
        outbox.offer(SlackOutbox.Message.post("C2", "t", "free", null));

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.contains("C2:free"));
        assertThat(slack.posted).doesNotContain("C1:stuck");
    }

    @Test
    void waitsThroughAnOutageWithoutUsingUpItsTriesAndSendsInOrderOnceSlackAnswers() {
        slack.failure = SlackCallException.outage("chat.postMessage answered HTTP 503", null);
        var woken = new java.util.concurrent.atomic.AtomicInteger();
        var link = new SlackLink(Clock.systemUTC(), woken::incrementAndGet);
        outbox = new SlackOutbox(slack, null, Duration.ofMillis(1), 10, 1, link, System::nanoTime);

        for (int i = 1; i <= 3; i++) {
            outbox.offer(SlackOutbox.Message.post("C1", "t", "m" + i, null));
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> link.problem().isPresent());
        assertThat(link.problem().orElseThrow()).contains("HTTP 503").contains("wait in the outbox");
        // Through more than one try of the head (1 s apart): an outage is not the message's fault, so none is dropped.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
                .until(() -> outbox.waiting() == 3 && slack.posted.isEmpty());

        slack.failure = null;
        link.answered();
        outbox.wake();

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 3);
        assertThat(slack.posted).containsExactly("C1:m1", "C1:m2", "C1:m3");
        assertThat(link.problem()).isEmpty();
        assertThat(woken).hasValue(1);
    }

    @Test
    void messagesWaitingAtShutdownAreSentInOrderAfterTheNextStart() {
        slack.failure = SlackCallException.outage("chat.postMessage failed: Connection refused", null);
        Path file = dir.resolve("outbox.jsonl");
        outbox = new SlackOutbox(slack, file, Duration.ofMillis(1), 10, 3, null, System::nanoTime);
        List<LayoutBlock> buttons = SlackMessages.forEvent(new io.patchbay.contracts.event.EventBody.AwaitingApproval(
                "risk high needs approval", 1), new SlackMessages.ApprovalRef("main", "p1")).blocks();
        outbox.offer(SlackOutbox.Message.post("C1", "t", "first", null));
        outbox.offer(SlackOutbox.Message.post("C1", "t", "buttons", buttons).holdingApprovalOf("p1"));
        outbox.offer(SlackOutbox.Message.post("C2", null, "elsewhere", null));
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.isEmpty() && outbox.waiting() == 3);
        outbox.close();

        slack.failure = null;
        var approvals = new CopyOnWriteArrayList<String>();
        outbox = new SlackOutbox(slack, file, Duration.ofMillis(1), 10, 3, null, System::nanoTime);
        outbox.onSent((m, ts) -> {
            if (m.approvalOf() != null) {
                approvals.add(m.approvalOf() + "@" + ts);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 3);
        assertThat(slack.posted.stream().filter(p -> p.startsWith("C1:"))).containsExactly("C1:first", "C1:buttons");
        assertThat(slack.posted).contains("C2:elsewhere");
        int buttonsAt = slack.posted.indexOf("C1:buttons");
        assertThat(slack.postedBlocks.get(buttonsAt)).hasSameSizeAs(buttons);
        assertThat(com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(slack.postedBlocks.get(buttonsAt)))
                .isEqualTo(com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(buttons));
        assertThat(approvals).containsExactly("p1@ts-" + (buttonsAt + 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        outbox.close();

        // What was sent is not sent again.
        outbox = new SlackOutbox(slack, file, Duration.ofMillis(1), 10, 3, null, System::nanoTime);
        assertThat(outbox.waiting()).isZero();
    }

    @Test
    void aWithdrawnMessageIsNeverSentNotEvenAfterARestart() {
        slack.failure = SlackCallException.outage("chat.postMessage answered HTTP 503", null);
        Path file = dir.resolve("outbox.jsonl");
        outbox = new SlackOutbox(slack, file, Duration.ofMillis(1), 10, 3, null, System::nanoTime);
        var root = SlackOutbox.Message.post("C1", null, "root of a /patch", null);
        var other = SlackOutbox.Message.post("C1", "t", "kept", null);
        outbox.offer(root);
        outbox.offer(other);

        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.withdraw(root));
        assertThat(root.sent()).isCancelled();
        assertThat(outbox.waiting()).isEqualTo(1);
        outbox.close();

        slack.failure = null;
        outbox = new SlackOutbox(slack, file, Duration.ofMillis(1), 10, 3, null, System::nanoTime);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.waiting() == 0);
        assertThat(slack.posted).containsExactly("C1:kept");
        var sent = SlackOutbox.Message.post("C1", "t", "gone out", null);
        outbox.offer(sent);
        await().atMost(Duration.ofSeconds(5)).until(() -> sent.sent().isDone());
        assertThat(outbox.withdraw(sent)).isFalse();
    }
}
