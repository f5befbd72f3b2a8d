package io.patchbay.executor.decider;

import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.StandbyReplicas;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the decider runs: the cluster, its Streams application id (which names its consumer group,
 * transactional ids and changelogs), where its state stores live, the replication factor of the
 * topics Streams creates, how many stream threads share the domains, and an optional stable
 * instance id: with it the instance is a static group member, so a restart after a crash takes its
 * partitions back at once instead of waiting for the dead member's session to expire. {@code sandbox}
 * is what the executor found at start-up about its command sandbox (null: available); the decider
 * rejects patches that need a sandbox it does not have. The record limits size its producer, its
 * fetches and the changelog and repartition topics Streams creates. {@code standbyReplicas} warm
 * copies of the stores are kept by other instances, so a failover does not wait for a changelog
 * replay. {@code dispatchWindow} is how many run orders of one domain may be out at the worker at
 * once (0: the default, {@link DeciderTopology#DEFAULT_WINDOW}).
 */
public record DeciderConfig(
        String bootstrapServers,
        String applicationId,
        Path stateDir,
        int replicationFactor,
        int streamThreads,
        String instanceId,
        SandboxStatus sandbox,
        RecordLimits recordLimits,
        int standbyReplicas,
        int dispatchWindow) {

    public static final String DEFAULT_APPLICATION_ID = "patchbay-decider";

    /** The environment variable that sets {@code dispatchWindow}. */
    public static final String WINDOW_ENV = "PATCHBAY_DISPATCH_WINDOW";

    /**
     * The dispatch window from {@value #WINDOW_ENV}: 0 (the default) when unset.
     *
     * @throws IllegalArgumentException naming the variable when it is not a whole number from 1 to 1024
     */
    public static int windowFrom(java.util.Map<String, String> env) {
        String raw = env.get(WINDOW_ENV);
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(raw.strip());
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(WINDOW_ENV + " must be a whole number from 1 to 1024 (how many patches of "
                + "one domain may be handed to the worker at once), was '" + raw + "'");
    }

    public DeciderConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must name at least one broker");
        }
        applicationId = applicationId == null || applicationId.isBlank() ? DEFAULT_APPLICATION_ID : applicationId;
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads must be at least 1, was " + streamThreads);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas must be 0 or more, was " + standbyReplicas);
        }
        sandbox = sandbox == null ? SandboxStatus.AVAILABLE : sandbox;
        recordLimits = recordLimits == null ? RecordLimits.DEFAULT : recordLimits;
        if (dispatchWindow < 0) {
            throw new IllegalArgumentException("dispatchWindow must be at least 1 (or 0 for the default), was "
                    + dispatchWindow);
        }
        dispatchWindow = dispatchWindow == 0 ? DeciderTopology.DEFAULT_WINDOW : dispatchWindow;
    }

    /** With the default dispatch window. */
    public DeciderConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            int streamThreads, String instanceId, SandboxStatus sandbox, RecordLimits recordLimits,
            int standbyReplicas) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, streamThreads, instanceId, sandbox,
                recordLimits, standbyReplicas, 0);
    }

    /** With the standby replicas a cluster of this replication factor gets by default. */
    public DeciderConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            int streamThreads, String instanceId, SandboxStatus sandbox, RecordLimits recordLimits) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, streamThreads, instanceId, sandbox,
                recordLimits, StandbyReplicas.defaultFor(replicationFactor));
    }

    /** With the sandbox taken as available (the worker still checks it before each command) and the default record limits. */
    public DeciderConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            int streamThreads, String instanceId) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, streamThreads, instanceId, null, null);
    }

    /** Without static group membership. */
    public DeciderConfig(String bootstrapServers, String applicationId, Path stateDir, int replicationFactor,
            int streamThreads) {
        this(bootstrapServers, applicationId, stateDir, replicationFactor, streamThreads, null, null, null);
    }

    /** One thread, replication factor 1: the embedded single-broker set-up. */
    public static DeciderConfig local(String bootstrapServers, Path stateDir) {
        return new DeciderConfig(bootstrapServers, DEFAULT_APPLICATION_ID, stateDir, 1, 1);
    }
}
