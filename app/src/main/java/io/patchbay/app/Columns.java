package io.patchbay.app;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntPredicate;

/** Rows of cells in aligned columns, padded on their plain text so that colour never shifts a column. */
final class Columns {

    private Columns() {}

    /**
     * @param rightAligned which columns hold figures, aligned on the right
     * @param paint what to do to a cell after padding (colour); called with the column and the plain cell
     */
    static List<String> align(List<String> header, List<List<String>> rows, IntPredicate rightAligned,
            BiFunction<Integer, String, String> paint) {
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        var lines = new ArrayList<String>();
        lines.add(line(header, width, rightAligned, (c, cell) -> cell));
        rows.forEach(row -> lines.add(line(row, width, rightAligned, paint)));
        return lines;
    }

    private static String line(List<String> cells, int[] width, IntPredicate rightAligned,
            BiFunction<Integer, String, String> paint) {
        var b = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String gap = " ".repeat(width[c] - cell.length());
            boolean last = c == cells.size() - 1;
            String painted = paint.apply(c, cell);
            b.append(rightAligned.test(c) ? gap + painted : painted + (last ? "" : gap));
            if (!last) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }
}
