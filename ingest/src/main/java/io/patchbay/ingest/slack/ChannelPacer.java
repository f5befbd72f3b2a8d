package io.patchbay.ingest.slack;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When the next message may go to each channel: Slack allows about one message a second per
 * channel, and a 429 names how long to keep off. Pure bookkeeping over nanosecond readings, so that
 * it is tested without waiting.
 */
final class ChannelPacer {

    private final long intervalNanos;
    private final Map<String, Long> notBefore = new HashMap<>();

    ChannelPacer(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** Nanoseconds from {@code now} until the channel may be sent to; 0 when it may be now. */
    synchronized long delay(String channel, long now) {
        Long next = notBefore.get(channel);
        return next == null || next - now <= 0 ? 0 : next - now;
    }

    /** A message went out at {@code now}. */
    synchronized void sent(String channel, long now) {
        push(channel, now + intervalNanos);
    }

    /** Slack asked to wait (429 {@code Retry-After}), or a failed call is backing off. */
    synchronized void holdOff(String channel, long now, Duration wait) {
        push(channel, now + Math.max(wait.toNanos(), intervalNanos));
    }

    private void push(String channel, long until) {
        notBefore.merge(channel, until, (a, b) -> b - a > 0 ? b : a);
    }

    /** Forgets channels that are idle, so that the map does not grow with every channel ever seen. */
    synchronized void forgetIdle(long now) {
        notBefore.values().removeIf(next -> next - now <= 0);
    }
}
