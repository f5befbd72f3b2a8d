package io.patchbay.ingest.slack;

import com.slack.api.model.block.LayoutBlock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything patchbay says in Slack goes through here: a bounded queue per channel, sent in order
 * at Slack's pace, retried on 429 (after its {@code Retry-After}) and on transient errors, and
 * dropped with a log line after the last try or when the queue is full. Offering never blocks, so
 * a Slack outage never holds up a submission's acknowledgement or a patch's execution.
 */
final class SlackOutbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackOutbox.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    enum Kind { POST, UPDATE, EPHEMERAL }

    /**
     * One message. {@code ts} is the message to update; {@code user} the one an ephemeral message
     * is for; {@code sent} completes with the posted message's ts, or exceptionally when dropped.
     */
    record Message(Kind kind, String channel, String threadTs, String ts, String user, String text,
            List<LayoutBlock> blocks, CompletableFuture<String> sent) {

        static Message post(String channel, String threadTs, String text, List<LayoutBlock> blocks) {
            return new Message(Kind.POST, channel, threadTs, null, null, text, blocks, new CompletableFuture<>());
        }

        static Message update(String channel, String ts, String text, List<LayoutBlock> blocks) {
            return new Message(Kind.UPDATE, channel, null, ts, null, text, blocks, new CompletableFuture<>());
        }

        static Message ephemeral(String channel, String user, String threadTs, String text) {
            return new Message(Kind.EPHEMERAL, channel, threadTs, null, user, text, null, new CompletableFuture<>());
        }
    }

    private static final class Pending {
        final Message message;
        int attempts;

        Pending(Message message) {
            this.message = message;
        }
    }

    private final SlackApi api;
    private final ChannelPacer pacer;
    private final int capacity;
    private final int maxAttempts;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService scheduler;
    private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>();
    private int size;
    private boolean closed;

    SlackOutbox(SlackApi api, Duration perChannelInterval, int capacity, int maxAttempts) {
        this(api, perChannelInterval, capacity, maxAttempts, System::nanoTime);
    }

    SlackOutbox(SlackApi api, Duration perChannelInterval, int capacity, int maxAttempts, LongSupplier nanoTime) {
        this.api = api;
        this.pacer = new ChannelPacer(perChannelInterval);
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.nanoTime = nanoTime;
        // Two senders: one slow channel (a long Retry-After, a hanging call) does not stall every other.
        var executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "patchbay-slack-outbox");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
    }

    /** Queues a message; false (and the message's future failed) when the queue is full or closed. */
    boolean offer(Message message) {
        synchronized (this) {
            if (!closed && size < capacity) {
                size++;
                ArrayDeque<Pending> queue = queues.computeIfAbsent(message.channel(), c -> new ArrayDeque<>());
                queue.add(new Pending(message));
                if (queue.size() == 1) {
                    schedule(message.channel(), pacer.delay(message.channel(), nanoTime.getAsLong()));
                }
                return true;
            }
        }
        log.warn("dropped a Slack message to {}: {} messages are already waiting for Slack", message.channel(), capacity);
        message.sent().completeExceptionally(new IllegalStateException("the Slack outbox is full"));
        return false;
    }

    /** Messages waiting, for health figures. */
    synchronized int waiting() {
        return size;
    }

    private void schedule(String channel, long delayNanos) {
        scheduler.schedule(() -> sendNext(channel), delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Sends the head of one channel's queue; the only place a channel's messages leave, one at a time. */
    private void sendNext(String channel) {
        Pending head;
        synchronized (this) {
            ArrayDeque<Pending> queue = queues.get(channel);
            if (closed || queue == null || queue.isEmpty()) {
                return;
            }
            head = queue.peek();
            long wait = pacer.delay(channel, nanoTime.getAsLong());
            if (wait > 0) {
                schedule(channel, wait);
                return;
            }
        }
        head.attempts++;
        Message m = head.message;
        try {
            String ts = switch (m.kind()) {
                case POST -> api.post(m.channel(), m.threadTs(), m.text(), m.blocks());
                case UPDATE -> {
                    api.update(m.channel(), m.ts(), m.text(), m.blocks());
                    yield m.ts();
                }
                case EPHEMERAL -> {
                    api.ephemeral(m.channel(), m.user(), m.threadTs(), m.text());
                    yield null;
                }
            };
            pacer.sent(channel, nanoTime.getAsLong());
            finish(channel, head);
            m.sent().complete(ts);
        } catch (SlackCallException e) {
            if (!e.retriable() || head.attempts >= maxAttempts) {
                log.warn("dropped a Slack message to {} after {} attempt(s): {}", channel, head.attempts, e.getMessage());
                pacer.sent(channel, nanoTime.getAsLong());
                finish(channel, head);
                m.sent().completeExceptionally(e);
                return;
            }
            Duration wait = e.retryAfter() != null ? e.retryAfter() : backoff(head.attempts);
            log.info("Slack did not take a message to {} ({}); trying again in {} ms", channel, e.getMessage(),
                    wait.toMillis());
            pacer.holdOff(channel, nanoTime.getAsLong(), wait);
            synchronized (this) {
                if (!closed) {
                    schedule(channel, pacer.delay(channel, nanoTime.getAsLong()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("dropped a Slack message to {}: {}", channel, e.toString());
            finish(channel, head);
            m.sent().completeExceptionally(e);
        }
    }

    private static Duration backoff(int attempts) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempts - 1, 10));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** Removes the sent (or dropped) head and schedules the channel's next message, if any. */
    private synchronized void finish(String channel, Pending head) {
        ArrayDeque<Pending> queue = queues.get(channel);
        if (queue == null || queue.peek() != head) {
            return;
        }
        queue.poll();
        size--;
        if (queue.isEmpty()) {
            queues.remove(channel);
            pacer.forgetIdle(nanoTime.getAsLong());
        } else if (!closed) {
            schedule(channel, pacer.delay(channel, nanoTime.getAsLong()));
        }
    }

    /** Stops sending; what is still queued is dropped, with a count in the log. */
    @Override
    public void close() {
        int dropped;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            dropped = size;
            queues.values().forEach(q -> q.forEach(p -> p.message.sent().cancel(false)));
            queues.clear();
            size = 0;
        }
        scheduler.shutdownNow();
        if (dropped > 0) {
            log.info("{} Slack message(s) were still waiting at shutdown and were not sent", dropped);
        }
    }
}
