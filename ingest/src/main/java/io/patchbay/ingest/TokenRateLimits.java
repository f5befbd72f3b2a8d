package io.patchbay.ingest;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A request budget per token ({@code requestsPerMinute}, refilled every minute), so one runaway
 * client cannot flood the command log for everyone else. Never waits: a request over the budget is
 * refused at once with the number of seconds until the next refill.
 */
final class TokenRateLimits {

    static final Duration PERIOD = Duration.ofMinutes(1);

    private final Map<String, RateLimiter> limiters = new HashMap<>();

    /** @param nanoTime the clock the budgets refill by; {@code System::nanoTime} outside tests */
    TokenRateLimits(List<InboxToken> tokens, int defaultPerMinute, Supplier<Long> nanoTime) {
        for (InboxToken t : tokens) {
            int limit = t.requestsPerMinute() == null ? defaultPerMinute : t.requestsPerMinute();
            RateLimiterConfig config = RateLimiterConfig.custom()
                    .limitForPeriod(limit)
                    .limitRefreshPeriod(PERIOD)
                    .timeoutDuration(Duration.ZERO)
                    .build();
            limiters.put(t.name(), RateLimiter.of("inbox-" + t.name(), config, nanoTime));
        }
    }

    /** Empty when the token may go ahead, else the seconds to wait (at least 1). */
    OptionalLong acquire(String tokenName) {
        RateLimiter limiter = limiters.get(tokenName);
        if (limiter == null || limiter.acquirePermission()) {
            return OptionalLong.empty();
        }
        long nanos = limiter.getMetrics() instanceof AtomicRateLimiter.AtomicRateLimiterMetrics m
                ? m.getNanosToWait() : PERIOD.toNanos();
        return OptionalLong.of(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }
}
