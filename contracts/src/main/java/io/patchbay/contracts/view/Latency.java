package io.patchbay.contracts.view;

import java.util.Arrays;

/**
 * Percentiles of a set of durations in milliseconds (nearest rank, so every figure is one that was
 * measured), or all zero with {@code count} 0 when there was nothing to measure.
 */
public record Latency(long count, long p50Ms, long p90Ms, long p99Ms, long maxMs) {

    public static final Latency NONE = new Latency(0, 0, 0, 0, 0);

    public static Latency of(long[] durationsMs) {
        if (durationsMs.length == 0) {
            return NONE;
        }
        long[] sorted = durationsMs.clone();
        Arrays.sort(sorted);
        return new Latency(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    private static long rank(long[] sorted, int percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
