package io.patchbay.ingest.slack;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import io.patchbay.ingest.JsonLinesLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything patchbay says in Slack goes through here: a queue per channel, kept in a file so that
 * what waits survives a restart, sent in order at Slack's pace. A 429 waits its
 * {@code Retry-After}; while Slack cannot be reached (no answer, 5xx) a message waits as long as it
 * takes, without using up its tries, and the queue moves again as soon as Slack answers; an error
 * Slack answers with is tried again a few times, then the message is dropped with a log line, as is
 * a message offered to a full outbox. Offering never blocks on Slack, so an outage never holds up a
 * submission's acknowledgement or a patch's execution.
 *
 * <p>Why one class over ~300 lines: the queue, its file and its timers share one lock and one
 * invariant (at most one send per channel at a time, the head first), which is easier to check in
 * one place.
 */
final class SlackOutbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackOutbox.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** While Slack is out of reach a channel tries again at least this often; a recovery wakes it at once anyway. */
    static final Duration MAX_OUTAGE_BACKOFF = Duration.ofSeconds(30);
    private static final Gson GSON = GsonFactory.createSnakeCase();

    enum Kind { POST, UPDATE, EPHEMERAL }

    /**
     * One message. {@code ts} is the message to update; {@code user} the one an ephemeral message is
     * for; {@code approvalOf} the patch whose approval buttons this message holds; {@code sent}
     * completes with the posted message's ts, or exceptionally when dropped (a message read back
     * after a restart has a fresh one nobody waits on).
     */
    record Message(Kind kind, String channel, String threadTs, String ts, String user, String text,
            List<LayoutBlock> blocks, String approvalOf, CompletableFuture<String> sent) {

        static Message post(String channel, String threadTs, String text, List<LayoutBlock> blocks) {
            return new Message(Kind.POST, channel, threadTs, null, null, text, blocks, null, new CompletableFuture<>());
        }

        static Message update(String channel, String ts, String text, List<LayoutBlock> blocks) {
            return new Message(Kind.UPDATE, channel, null, ts, null, text, blocks, null, new CompletableFuture<>());
        }

        static Message ephemeral(String channel, String user, String threadTs, String text) {
            return new Message(Kind.EPHEMERAL, channel, threadTs, null, user, text, null, null, new CompletableFuture<>());
        }

        /** The same message, marked as holding the approval buttons of {@code patchId}. */
        Message holdingApprovalOf(String patchId) {
            return new Message(kind, channel, threadTs, ts, user, text, blocks, patchId, sent);
        }
    }

    /** One line of the outbox file: a message offered (with its place {@code seq}), or {@code seq} done. */
    record Entry(long seq, boolean done, Kind kind, String channel, String threadTs, String ts, String user, String text,
            String blocks, String approvalOf) {

        static Entry of(long seq, Message m) {
            return new Entry(seq, false, m.kind(), m.channel(), m.threadTs(), m.ts(), m.user(), m.text(),
                    m.blocks() == null ? null : GSON.toJson(m.blocks()), m.approvalOf());
        }

        static Entry done(long seq) {
            return new Entry(seq, true, null, null, null, null, null, null, null, null);
        }

        Message message() {
            List<LayoutBlock> parsed = blocks == null ? null
                    : GSON.fromJson(blocks, new TypeToken<List<LayoutBlock>>() {}.getType());
            return new Message(kind, channel, threadTs, ts, user, text, parsed, approvalOf, new CompletableFuture<>());
        }
    }

    private static final class Pending {
        final long seq;
        final Message message;
        int attempts;
        int outageTries;

        Pending(long seq, Message message) {
            this.seq = seq;
            this.message = message;
        }
    }

    private final SlackApi api;
    private final JsonLinesLog<Entry> file;
    private final ChannelPacer pacer;
    private final int capacity;
    private final int maxAttempts;
    private final SlackLink link;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService scheduler;
    private final Map<String, ArrayDeque<Pending>> queues = new LinkedHashMap<>();
    /** The one timer of each channel with messages; rescheduling replaces it. */
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();
    /** Channels whose head is being sent right now: nothing else of theirs leaves meanwhile. */
    private final Set<String> sending = new HashSet<>();
    private volatile BiConsumer<Message, String> onSent = (m, ts) -> {};
    private long lastSeq;
    private int size;
    private boolean closed;

    /** In memory only, for tests of the sending alone. */
    SlackOutbox(SlackApi api, Duration perChannelInterval, int capacity, int maxAttempts) {
        this(api, null, perChannelInterval, capacity, maxAttempts, null, System::nanoTime);
    }

    /**
     * @param file where waiting messages are kept ({@code var/slack/outbox.jsonl}); null keeps them in memory only
     * @param link told whether each call reached Slack; null for none
     */
    SlackOutbox(SlackApi api, Path file, Duration perChannelInterval, int capacity, int maxAttempts, SlackLink link,
            LongSupplier nanoTime) {
        this.api = api;
        this.file = file == null ? null : new JsonLinesLog<>(file, Entry.class);
        this.pacer = new ChannelPacer(perChannelInterval);
        this.capacity = capacity;
        this.maxAttempts = maxAttempts;
        this.link = link;
        this.nanoTime = nanoTime;
        // Two senders: one slow channel (a long Retry-After, a hanging call) does not stall every other.
        var executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "patchbay-slack-outbox");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
        if (this.file != null) {
            reload();
        }
    }

    /** Told of every message Slack took, with its ts; also for messages read back after a restart. */
    void onSent(BiConsumer<Message, String> listener) {
        this.onSent = listener;
    }

    /** Queues what the last run left waiting, in its order, and compacts the file. */
    private synchronized void reload() {
        var waiting = new LinkedHashMap<Long, Entry>();
        List<Entry> lines = file.load();
        for (Entry e : lines) {
            lastSeq = Math.max(lastSeq, e.seq());
            if (e.done()) {
                waiting.remove(e.seq());
            } else {
                waiting.put(e.seq(), e);
            }
        }
        if (lines.size() > waiting.size()) {
            file.rewrite(new ArrayList<>(waiting.values()));
        }
        for (Entry e : waiting.values()) {
            size++;
            queues.computeIfAbsent(e.channel(), c -> new ArrayDeque<>()).add(new Pending(e.seq(), e.message()));
        }
        if (size > 0) {
            log.info("{} Slack message(s) left waiting by the last run are sent now", size);
            queues.keySet().forEach(c -> schedule(c, 0));
        }
    }

    /** Queues a message (written to the outbox file first); false, and its future failed, when full or closed. */
    boolean offer(Message message) {
        synchronized (this) {
            if (!closed && size < capacity) {
                long seq = ++lastSeq;
                if (file != null) {
                    file.append(Entry.of(seq, message));
                }
                size++;
                ArrayDeque<Pending> queue = queues.computeIfAbsent(message.channel(), c -> new ArrayDeque<>());
                queue.add(new Pending(seq, message));
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

    /**
     * Takes back a message that has not gone out: true when it never will, false when it is being
     * sent or was already (its {@code sent} future then tells the ts).
     */
    boolean withdraw(Message message) {
        synchronized (this) {
            ArrayDeque<Pending> queue = queues.get(message.channel());
            if (queue == null) {
                return false;
            }
            Pending found = queue.stream().filter(p -> p.message == message).findFirst().orElse(null);
            if (found == null || (found == queue.peek() && sending.contains(message.channel()))) {
                return false;
            }
            queue.remove(found);
            size--;
            if (file != null) {
                file.append(Entry.done(found.seq));
            }
            if (queue.isEmpty()) {
                queues.remove(message.channel());
                ScheduledFuture<?> timer = timers.remove(message.channel());
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }
        message.sent().cancel(false);
        return true;
    }

    /** Messages waiting, for health figures. */
    synchronized int waiting() {
        return size;
    }

    /** Slack answers again: every waiting channel tries at once (within its pace and any Retry-After). */
    synchronized void wake() {
        if (!closed) {
            queues.keySet().forEach(c -> schedule(c, pacer.delay(c, nanoTime.getAsLong())));
        }
    }

    /** Replaces the channel's timer; at most one is pending per channel. Call holding the lock. */
    private void schedule(String channel, long delayNanos) {
        ScheduledFuture<?> old = timers.put(channel,
                scheduler.schedule(() -> sendNext(channel), Math.max(0, delayNanos), TimeUnit.NANOSECONDS));
        if (old != null) {
            old.cancel(false);
        }
    }

    /** Sends the head of one channel's queue; the only place a channel's messages leave, one at a time. */
    private void sendNext(String channel) {
        Pending head;
        synchronized (this) {
            ArrayDeque<Pending> queue = queues.get(channel);
            if (closed || queue == null || queue.isEmpty() || sending.contains(channel)) {
                return; // a send in progress schedules the next one when it is done
            }
            long wait = pacer.delay(channel, nanoTime.getAsLong());
            if (wait > 0) {
                schedule(channel, wait);
                return;
            }
            head = queue.peek();
            sending.add(channel);
        }
        long retryIn = send(channel, head);
        synchronized (this) {
            sending.remove(channel);
            ArrayDeque<Pending> queue = queues.get(channel);
            if (closed || queue == null || queue.isEmpty()) {
                timers.remove(channel);
                return;
            }
            schedule(channel, Math.max(retryIn, pacer.delay(channel, nanoTime.getAsLong())));
        }
    }

    /** One try of the head; returns how long to wait before the channel's next try (0: at its pace). */
    private long send(String channel, Pending head) {
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
            answered();
            pacer.sent(channel, nanoTime.getAsLong());
            finish(channel, head);
            try {
                onSent.accept(m, ts);
            } finally {
                m.sent().complete(ts);
            }
            return 0;
        } catch (SlackCallException e) {
            if (e.outage()) {
                if (link != null) {
                    link.unreachable(e.getMessage());
                }
                Duration wait = backoff(++head.outageTries, MAX_OUTAGE_BACKOFF);
                log.info("Slack cannot be reached for a message to {} ({}); it waits, next try in {} ms", channel,
                        e.getMessage(), wait.toMillis());
                return wait.toNanos();
            }
            answered();
            if (e.retryAfter() != null) {
                // Slack's rate limit: not the message's fault, so it costs no try.
                log.info("Slack rate-limits messages to {}; next try in {} ms", channel, e.retryAfter().toMillis());
                pacer.holdOff(channel, nanoTime.getAsLong(), e.retryAfter());
                return 0;
            }
            head.attempts++;
            if (!e.retriable() || head.attempts >= maxAttempts) {
                log.warn("dropped a Slack message to {} after {} attempt(s): {}", channel, head.attempts, e.getMessage());
                pacer.sent(channel, nanoTime.getAsLong());
                finish(channel, head);
                m.sent().completeExceptionally(e);
                return 0;
            }
            Duration wait = backoff(head.attempts, MAX_BACKOFF);
            log.info("Slack did not take a message to {} ({}); trying again in {} ms", channel, e.getMessage(),
                    wait.toMillis());
            return wait.toNanos();
        } catch (RuntimeException e) {
            log.warn("dropped a Slack message to {}: {}", channel, e.toString());
            finish(channel, head);
            m.sent().completeExceptionally(e);
            return 0;
        }
    }

    private void answered() {
        if (link != null) {
            link.answered();
        }
    }

    private static Duration backoff(int tries, Duration max) {
        Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(tries - 1, 10));
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Removes the sent (or dropped) head, and marks it done in the file. */
    private synchronized void finish(String channel, Pending head) {
        ArrayDeque<Pending> queue = queues.get(channel);
        if (queue == null || queue.peek() != head) {
            return;
        }
        queue.poll();
        size--;
        if (file != null && !closed) {
            file.append(Entry.done(head.seq));
            if (size == 0 && file.lines() > 1000) {
                file.rewrite(List.of());
            }
        }
        if (queue.isEmpty()) {
            queues.remove(channel);
            pacer.forgetIdle(nanoTime.getAsLong());
        }
    }

    /** Stops sending; what is still queued stays in the file for the next start. */
    @Override
    public void close() {
        int left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = size;
            queues.values().forEach(q -> q.forEach(p -> p.message.sent().cancel(false)));
            queues.clear();
            timers.clear();
            size = 0;
        }
        scheduler.shutdownNow();
        if (file != null) {
            file.close();
        }
        if (left > 0) {
            log.info("{} Slack message(s) were still waiting at shutdown{}", left,
                    file == null ? " and were not sent" : "; they are sent after the next start");
        }
    }
}
