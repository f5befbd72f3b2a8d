package io.patchbay.bench;

import java.util.Arrays;
import java.util.List;

/** Latency figures of one series, in milliseconds. */
record Stats(int count, double p50, double p90, double p99, double max) {

    static Stats ofNanos(List<Long> nanos) {
        double[] ms = nanos.stream().mapToDouble(n -> n / 1_000_000.0).sorted().toArray();
        if (ms.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Stats(ms.length, pct(ms, 50), pct(ms, 90), pct(ms, 99), ms[ms.length - 1]);
    }

    private static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    String row(String name) {
        return String.format("| %s | %d | %.1f | %.1f | %.1f | %.1f |", name, count, p50, p90, p99, max);
    }

    static String header() {
        return "| series | n | p50 ms | p90 ms | p99 ms | max ms |\n|---|---|---|---|---|---|";
    }

    @Override
    public String toString() {
        return Arrays.toString(new double[] {p50, p90, p99, max});
    }
}
