package io.patchbay.app;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import java.time.Duration;
import java.util.Map;
import io.patchbay.contracts.policy.Durations;

/**
 * How long a service's input may wait unprocessed before health calls the service stalled.
 *
 * @param streams the bound of the decider and the watchdog, and of an open transaction holding a
 *     partition: they process each record in milliseconds, so a minute unmoved is no slow record
 */
record StallBounds(Duration streams) {

    static final String ENV = "PATCHBAY_STALL_BOUND";
    static final Duration DEFAULT = Duration.ofSeconds(60);
    /**
     * What an order may take beyond its patch timeout: fetching from and pushing to a remote, a rollback,
     * waiting for the result's acknowledgement (45 s at most).
     */
    static final Duration WORKER_MARGIN = Duration.ofMinutes(2);
    private static final Duration MOST_EVERY = Duration.ofSeconds(5);
    private static final Duration LEAST_EVERY = Duration.ofSeconds(1);

    StallBounds {
        if (streams.isNegative() || streams.isZero()) {
            throw new IllegalArgumentException("a stall bound is longer than 0");
        }
    }

    /**
     * The bound from {@value #ENV} ({@code 20s}, {@code 2m}), else {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the variable when it is not a duration above 0
     */
    static StallBounds fromEnv(Map<String, String> env) {
        String raw = env.get(ENV);
        if (raw == null || raw.isBlank()) {
            return new StallBounds(DEFAULT);
        }
        try {
            return new StallBounds(Durations.parse(raw));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV + " must be a duration above 0 such as 60s or 2m (how long the "
                    + "decider's or watchdog's input may wait unprocessed before health says it is stalled), was '" + raw
                    + "'", e);
        }
    }

    /**
     * The worker's bound under {@code contract}: it commits an order's offset only once the order has
     * finished, and an order may rightly run as long as the longest patch timeout of any domain.
     */
    Duration worker(ExecutionContract contract) {
        Duration longest = Duration.ZERO;
        for (DomainPolicy d : contract.domains().values()) {
            longest = max(longest, max(d.limits().patchTimeoutDuration(), d.limits().commandTimeoutDuration()));
        }
        return max(streams, longest.plus(WORKER_MARGIN));
    }

    /** How often offsets are sampled: a few times within the bound, so a stall shows soon after it is one. */
    Duration sampleEvery() {
        Duration third = streams.dividedBy(3);
        return third.compareTo(LEAST_EVERY) < 0 ? LEAST_EVERY : third.compareTo(MOST_EVERY) > 0 ? MOST_EVERY : third;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
