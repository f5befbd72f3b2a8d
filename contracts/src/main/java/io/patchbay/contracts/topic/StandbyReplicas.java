package io.patchbay.contracts.topic;

import java.util.Map;

/**
 * How many warm copies of each Streams state store other instances keep ({@code num.standby.replicas}),
 * so that when an instance dies, the one taking its domains over has the decider's and the
 * watchdog's stores at hand instead of replaying their changelogs first. One by default on a
 * cluster (replication factor above 1, where several instances are expected), none on a single
 * broker; {@value #ENV} sets it.
 */
public final class StandbyReplicas {

    public static final String ENV = "PATCHBAY_STANDBY_REPLICAS";

    private StandbyReplicas() {}

    /** The default for topics of this replication factor. */
    public static int defaultFor(int replicationFactor) {
        return replicationFactor > 1 ? 1 : 0;
    }

    /**
     * {@value #ENV} when set, else {@link #defaultFor}.
     *
     * @throws IllegalArgumentException when the variable is not a whole number from 0 up
     */
    public static int from(Map<String, String> env, int replicationFactor) {
        String set = env.get(ENV);
        if (set == null || set.isBlank()) {
            return defaultFor(replicationFactor);
        }
        int n;
        try {
            n = Integer.parseInt(set.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(ENV + "=" + set + " is not a number; set it to 0 (no standby) or more",
                    e);
        }
        if (n < 0) {
            throw new IllegalArgumentException(ENV + "=" + set + " is negative; set it to 0 (no standby) or more");
        }
        return n;
    }
}
