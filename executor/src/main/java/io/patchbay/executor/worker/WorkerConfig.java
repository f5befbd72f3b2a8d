package io.patchbay.executor.worker;

import io.patchbay.contracts.topic.RecordLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a worker runs: the cluster, its home (the base folder that contract workspace paths and
 * {@code var/summaries} resolve against), its name in Started results, its consumer group, how
 * long one poll waits, how long a result may take to be acknowledged by Kafka, and the record
 * limits that size its fetches and its producer.
 */
public record WorkerConfig(
        String bootstrapServers, Path home, String workerId, String groupId, Duration pollTimeout, Duration ackTimeout,
        RecordLimits recordLimits) {

    public static final String DEFAULT_GROUP_ID = "patchbay-worker";

    public WorkerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(home, "home");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one broker");
        }
        workerId = workerId == null || workerId.isBlank() ? "worker-" + ProcessHandle.current().pid() : workerId;
        groupId = groupId == null || groupId.isBlank() ? DEFAULT_GROUP_ID : groupId;
        pollTimeout = pollTimeout == null ? Duration.ofMillis(100) : pollTimeout;
        ackTimeout = ackTimeout == null ? Duration.ofSeconds(45) : ackTimeout;
        if (pollTimeout.isNegative() || pollTimeout.isZero() || ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout and ackTimeout must be positive");
        }
        recordLimits = recordLimits == null ? RecordLimits.DEFAULT : recordLimits;
    }

    /** With the default record limits. */
    public WorkerConfig(String bootstrapServers, Path home, String workerId, String groupId, Duration pollTimeout,
            Duration ackTimeout) {
        this(bootstrapServers, home, workerId, groupId, pollTimeout, ackTimeout, null);
    }

    /** The defaults: group {@value #DEFAULT_GROUP_ID}, 100 ms polls, 45 s for an acknowledgement. */
    public WorkerConfig(String bootstrapServers, Path home, String workerId) {
        this(bootstrapServers, home, workerId, null, null, null, null);
    }
}
