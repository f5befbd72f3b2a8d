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
 * @param advertisedServer {@code host:port} where other instances reach this one's HTTP server, set as
 *     Streams' {@code application.server}: with it, queries about stores another instance holds are
 *     forwarded there and lists are gathered from every instance; null answers from the local stores
 *     only (one instance alone)
 */
public record WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
        String instanceId, RecordLimits recordLimits, int standbyReplicas, String advertisedServer) {

    /** The application id patchbay runs the watchdog with, which names its consumer group. */
    public static final String DEFAULT_APPLICATION_ID = "patchbay-watchdog";

    /** Without an advertised address: one instance alone, answering from its own stores. */
    public WatchdogConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            String instanceId, RecordLimits recordLimits, int standbyReplicas) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, instanceId, recordLimits, standbyReplicas,
                null);
    }

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
        if (advertisedServer != null) {
            advertisedServer = advertisedServer.isBlank() ? null : advertisedServer.trim();
        }
        if (advertisedServer != null) {
            hostInfo(advertisedServer);
        }
    }

    /** The advertised address as Streams' {@code HostInfo}; refuses what is not {@code host:port}. */
    static org.apache.kafka.streams.state.HostInfo hostInfo(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the advertised server must be host:port with a port from 1 to 65535, was '"
                    + hostPort + "'");
        }
        return new org.apache.kafka.streams.state.HostInfo(hostPort.substring(0, colon), port);
    }

    /** Where other instances reach this one, when it advertises an address. */
    public java.util.Optional<org.apache.kafka.streams.state.HostInfo> advertised() {
        return java.util.Optional.ofNullable(advertisedServer).map(WatchdogConfig::hostInfo);
    }
}
