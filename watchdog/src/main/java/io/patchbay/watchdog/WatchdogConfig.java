package io.patchbay.watchdog;

import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.StandbyReplicas;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the watchdog reaches Kafka and where it keeps its state. Read and checked once at start-up.
 *
 * @param bootstrapServers Kafka bootstrap servers, such as {@code 127.0.0.1:9092}
 * @param applicationId the Streams application id; every watchdog instance of one installation shares it
 * @param stateDir where the view stores live on disk (they are rebuilt from the changelog when lost)
 * @param replicationFactor replication of the changelog topics: 1 on the embedded broker, 3 on a cluster
 * @param instanceId a stable id making the instance a static group member, so that a restart after a
 *     crash takes its partitions back at once; null for dynamic membership
 * @param recordLimits the largest record: events carry whole patches, so fetches and the view
 *     stores' changelogs must take one of that size
 * @param standbyReplicas warm copies of the view stores other instances keep, so that a failover
 *     serves the views without replaying their changelogs first
 */
public record WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
        String instanceId, RecordLimits recordLimits, int standbyReplicas) {

    /** With the standby replicas a cluster of this replication factor gets by default. */
    public WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            String instanceId, RecordLimits recordLimits) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, instanceId, recordLimits,
                StandbyReplicas.defaultFor(replicationFactor));
    }

    public WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            String instanceId) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, instanceId, null);
    }

    public WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, null);
    }

    public WatchdogConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(stateDir, "stateDir");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the watchdog needs Kafka bootstrap servers");
        }
        if (applicationId.isBlank()) {
            throw new IllegalArgumentException("the watchdog needs an application id");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas must be 0 or more, was " + standbyReplicas);
        }
        recordLimits = recordLimits == null ? RecordLimits.DEFAULT : recordLimits;
    }
}
