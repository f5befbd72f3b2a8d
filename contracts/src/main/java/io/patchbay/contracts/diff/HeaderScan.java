package io.patchbay.contracts.diff;

/**
 * Hand-written scans of the few header lines whose shape matters: each looks at every character at
 * most once, so no line, however long or repetitive, makes reading slow (a regular expression with
 * backtracking could).
 */
final class HeaderScan {

    /** More digits than any int has; anything longer is refused without being read further. */
    private static final int MAX_DIGITS = 10;

    private HeaderScan() {}

    /** Whether a line has the shape {@code @@ -a[,b] +c[,d] @@}, whatever the size of its numbers. */
    static boolean isHunkHeader(String line) {
        return scanHunk(line, null) > 0;
    }

    /**
     * The four numbers of a hunk header (counts default to 1), or null when the line does not have
     * the shape.
     *
     * @throws DiffException when a number does not fit the line and byte counts patchbay works with
     */
    static int[] hunkNumbers(String line, int lineNumber) throws DiffException {
        long[] raw = new long[] {-1, 1, -1, 1};
        if (scanHunk(line, raw) <= 0) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            if (raw[i] < 0 || raw[i] > Integer.MAX_VALUE) {
                throw new DiffException("line " + lineNumber + " of the diff has a hunk header with a number too large"
                        + " for any file: " + abbreviate(line));
            }
            out[i] = (int) raw[i];
        }
        return out;
    }

    /** Scans a hunk header into {@code into} (start, count, start, count); the index after it, or -1. */
    private static int scanHunk(String s, long[] into) {
        if (!s.startsWith("@@ -")) {
            return -1;
        }
        int i = 4;
        for (int part = 0; part < 2; part++) {
            int digits = digitsAt(s, i);
            if (digits == 0) {
                return -1;
            }
            store(into, part * 2, s, i, digits);
            i += digits;
            if (i < s.length() && s.charAt(i) == ',') {
                int count = digitsAt(s, i + 1);
                if (count == 0) {
                    return -1;
                }
                store(into, part * 2 + 1, s, i + 1, count);
                i += 1 + count;
            }
            String next = part == 0 ? " +" : " @@";
            if (!s.startsWith(next, i)) {
                return -1;
            }
            i += next.length();
        }
        return i;
    }

    private static int digitsAt(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i - from;
    }

    private static void store(long[] into, int slot, String s, int from, int digits) {
        if (into != null) {
            into[slot] = digits > MAX_DIGITS ? -1 : Long.parseLong(s, from, from + digits, 10);
        }
    }

    /** A decimal number of at most ten digits, or -1 when the text is not one. */
    static long number(String s) {
        int digits = digitsAt(s, 0);
        if (digits == 0 || digits != s.length() || digits > MAX_DIGITS) {
            return -1;
        }
        return Long.parseLong(s);
    }

    /**
     * What a {@code Binary files X differ} or {@code Files X differ} line names between its fixed
     * words, or null when the line is not one.
     */
    static String binaryDiffers(String line) {
        String suffix = " differ";
        for (String prefix : new String[] {"Binary files ", "Files "}) {
            if (line.startsWith(prefix) && line.endsWith(suffix)
                    && line.length() > prefix.length() + suffix.length()) {
                return line.substring(prefix.length(), line.length() - suffix.length());
            }
        }
        return null;
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
