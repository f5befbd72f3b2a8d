package io.patchbay.bench;

import java.util.List;

/**
 * One line of the pace table: what patchbay did, what the floor did in the same run, and their
 * ratio. {@code ratio} is always "patchbay's cost over the floor's" (time / time or, for rates,
 * floor rate / patchbay rate), so 1.0 means as fast as the floor and 2.0 twice as slow.
 */
record Figure(String id, String measure, String patchbay, String floor, double ratio) {

    static Figure ofTimes(String id, String measure, double pbMs, double floorMs, String floorName, String unit) {
        return new Figure(id, measure, String.format("%.1f %s", pbMs, unit),
                String.format("%.1f %s (%s)", floorMs, unit, floorName), pbMs / floorMs);
    }

    static Figure ofRates(String id, String measure, double pbRate, double floorRate, String floorName, String unit) {
        return new Figure(id, measure, rate(pbRate) + " " + unit, rate(floorRate) + " " + unit + " (" + floorName + ")",
                floorRate / pbRate);
    }

    private static String rate(double r) {
        return String.format(r < 100 ? "%.1f" : "%.0f", r);
    }

    /** A measure that could not be taken: the reason stands in the table instead of a figure. */
    static Figure failed(String id, String measure, Exception e) {
        String why = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('|', '/')
                .replace('\n', ' ');
        return new Figure(id, measure, "not measured: " + why, "", Double.NaN);
    }

    String row() {
        return "| " + id + " | " + measure + " | " + patchbay + " | " + floor + " | "
                + (Double.isNaN(ratio) ? "" : String.format("%.2f×", ratio)) + " |";
    }

    static String table(List<Figure> figures) {
        var b = new StringBuilder("| | measure | patchbay | floor, same run | patchbay / floor |\n|---|---|---|---|---|\n");
        figures.forEach(f -> b.append(f.row()).append('\n'));
        return b.toString();
    }
}
