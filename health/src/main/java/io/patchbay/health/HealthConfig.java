package io.patchbay.health;

import java.time.Clock;
import java.util.Objects;

/**
 * Settings of the health and read API.
 *
 * @param clock the clock the oldest pending age is measured with
 * @param defaultLimit how many patches {@code GET /v1/patches} lists when no limit is given
 * @param maxLimit the most it lists in one answer
 */
public record HealthConfig(Clock clock, int defaultLimit, int maxLimit) {

    public HealthConfig {
        Objects.requireNonNull(clock, "clock");
        if (defaultLimit < 1 || maxLimit < defaultLimit) {
            throw new IllegalArgumentException("need 1 <= defaultLimit <= maxLimit, got " + defaultLimit + " and " + maxLimit);
        }
    }

    public static HealthConfig defaults() {
        return new HealthConfig(Clock.systemUTC(), 50, 500);
    }
}
