package io.patchbay.health;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Judges whether consumer groups make progress, as a fold of samples of their offsets. A Streams
 * client in RUNNING or a live poll thread says nothing about whether records are processed: a
 * task that cannot read its committed offsets, or a group stuck rebalancing, is "running" while
 * its input waits. What does say it is the committed offset: a partition is stalled when its group's
 * committed offset is behind what a {@code read_committed} reader could read and has not moved for
 * longer than the group's bound.
 *
 * <p>The clock of a partition starts at the first sample that saw it behind at its current position;
 * any movement of the committed offset, catching up, or a sample that could not be taken starts it
 * again. A failed sample resets rather than pauses the clocks: what was not seen is not counted, so
 * an outage already reported as "Kafka is unreachable" does not come back as a stall once Kafka
 * answers and the groups are still catching up.
 *
 * <p>Immutable: {@link #fold} returns the next judge, so readers never see half a sample.
 */
public final class GroupProgress {

    /**
     * One partition of a group's input, as sampled.
     *
     * @param committed the group's committed offset, null when it has committed none (then it reads from
     *     {@code logStart}: patchbay's groups start at the earliest offset)
     * @param logStart the partition's first offset
     * @param stableEnd the last stable offset: the end as a {@code read_committed} reader sees it; an
     *     open transaction holds it at its first record
     * @param end the high watermark, transaction markers and open transactions included
     * @param readable whether a {@code read_committed} reader finds a record between the group's position
     *     and {@code stableEnd}: false when that gap holds only transaction markers and aborted records,
     *     which a group that has processed everything may legitimately sit below; null when not looked
     */
    public record Offsets(Long committed, long logStart, long stableEnd, long end, Boolean readable) {

        /** Where the group reads next. */
        public long position() {
            return committed == null ? logStart : committed;
        }

        /** Whether the group has records to process that it could read. */
        public boolean behind() {
            return position() < stableEnd && !Boolean.FALSE.equals(readable);
        }

        /** Whether an open transaction keeps {@code read_committed} readers from what follows it. */
        public boolean heldOpen() {
            return stableEnd < end;
        }
    }

    /**
     * One look at a group: its input partitions at an instant, or why they could not be read.
     *
     * @param failure null when sampled; else why sampling failed, and {@code partitions} is empty
     */
    public record Sample(String group, Instant at, Map<TopicPartition, Offsets> partitions, String failure) {

        public Sample {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(at, "at");
            partitions = Map.copyOf(partitions);
        }

        public static Sample of(String group, Instant at, Map<TopicPartition, Offsets> partitions) {
            return new Sample(group, at, partitions, null);
        }

        public static Sample failed(String group, Instant at, String failure) {
            return new Sample(group, at, Map.of(), Objects.requireNonNull(failure, "failure"));
        }
    }

    /** Since when a partition has waited at {@code position}. */
    private record Waiting(long position, Instant since) {}

    /** Since when an open transaction has held a partition's stable end at {@code stableEnd}. */
    private record Held(long stableEnd, Instant since) {}

    private record GroupState(Instant at, Map<TopicPartition, Offsets> last, Map<TopicPartition, Waiting> waiting,
            Map<TopicPartition, Held> held, String failure, Instant failingSince) {}

    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Map<String, GroupState> groups;

    private GroupProgress(Map<String, GroupState> groups) {
        this.groups = Map.copyOf(groups);
    }

    /** A judge that has seen nothing: every group counts as moving until sampled. */
    public static GroupProgress empty() {
        return new GroupProgress(Map.of());
    }

    /** The judge after one more sample. */
    public GroupProgress fold(Sample s) {
        GroupState before = groups.get(s.group());
        var next = new HashMap<>(groups);
        if (s.failure() != null) {
            Instant since = before != null && before.failure() != null ? before.failingSince() : s.at();
            next.put(s.group(), new GroupState(s.at(), Map.of(), Map.of(), Map.of(), s.failure(), since));
            return new GroupProgress(next);
        }
        var waiting = new HashMap<TopicPartition, Waiting>();
        var held = new HashMap<TopicPartition, Held>();
        s.partitions().forEach((tp, o) -> {
            if (o.behind()) {
                Waiting w = before == null ? null : before.waiting().get(tp);
                waiting.put(tp, w != null && w.position() == o.position() ? w : new Waiting(o.position(), s.at()));
            }
            if (o.heldOpen()) {
                Held h = before == null ? null : before.held().get(tp);
                held.put(tp, h != null && h.stableEnd() == o.stableEnd() ? h : new Held(o.stableEnd(), s.at()));
            }
        });
        next.put(s.group(), new GroupState(s.at(), s.partitions(), waiting, held, null, null));
        return new GroupProgress(next);
    }

    /** The offsets of a group's partitions at its last good sample; empty when it has none. */
    public Map<TopicPartition, Offsets> lastSeen(String group) {
        GroupState g = groups.get(group);
        return g == null ? Map.of() : g.last();
    }

    /**
     * The group's progress as of its last sample, in sentences that start with the service's name.
     *
     * @param bound how long a partition may wait unprocessed; waiting exactly this long is not a stall
     * @param transactionBound how long an open transaction may hold a partition
     */
    public ServiceProgress judge(String service, String group, Duration bound, Duration transactionBound) {
        GroupState g = groups.get(group);
        if (g == null) {
            return ServiceProgress.MOVING;
        }
        if (g.failure() != null) {
            return ServiceProgress.unmeasured(service + ": whether it makes progress cannot be told: the offsets of group "
                    + group + " could not be read since " + g.failingSince().truncatedTo(ChronoUnit.SECONDS) + " ("
                    + g.failure() + ")");
        }
        var stalls = new ArrayList<String>();
        g.waiting().entrySet().stream().sorted(Map.Entry.comparingByKey(ORDER)).forEach(e -> {
            Duration waited = Duration.between(e.getValue().since(), g.at());
            if (waited.compareTo(bound) > 0) {
                stalls.add(waitingSentence(service, e.getKey(), g.last().get(e.getKey()), waited));
            }
        });
        g.held().entrySet().stream().sorted(Map.Entry.comparingByKey(ORDER)).forEach(e -> {
            Duration held = Duration.between(e.getValue().since(), g.at());
            if (held.compareTo(transactionBound) > 0) {
                Offsets o = g.last().get(e.getKey());
                long behindIt = o.end() - o.stableEnd();
                stalls.add(service + ": an open transaction holds " + e.getKey() + " at offset " + o.stableEnd() + " for "
                        + held.toSeconds() + " s (" + behindIt + (behindIt == 1 ? " offset" : " offsets")
                        + " behind it); no read_committed reader gets past it until it ends");
            }
        });
        return stalls.isEmpty() ? ServiceProgress.MOVING : new ServiceProgress(stalls, Optional.empty());
    }

    private static String waitingSentence(String service, TopicPartition tp, Offsets o, Duration waited) {
        long count = o.stableEnd() - o.position();
        // The count is the lag as Kafka's tools report it: transaction markers in the gap count too.
        return service + ": " + tp + " has " + count + (count == 1 ? " record" : " records") + " waiting, unprocessed for "
                + waited.toSeconds() + " s (" + (o.committed() == null
                        ? "nothing committed, log start " + o.logStart()
                        : "committed offset " + o.committed()) + ", end " + o.stableEnd() + ")";
    }
}
