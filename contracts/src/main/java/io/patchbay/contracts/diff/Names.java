package io.patchbay.contracts.diff;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names in diff headers, read by the rules of {@code git apply}: C-style quoting, stripping
 * leading path components, timestamps after the name, and the epoch timestamp that GNU diff
 * writes for a file that does not exist on one side.
 *
 * <p>Its length is git's: each rule mirrors one of {@code apply.c}'s name functions, kept side by
 * side so they can be compared with git's and with each other.
 */
final class Names {

    /** Stop a name at a tab. */
    static final int TERM_TAB = 2;

    private static final String DEV_NULL = "/dev/null";
    private static final Pattern EPOCH = Pattern.compile(
            "^([0-2][0-9]):([0-5][0-9]):00(\\.0+)? ([-+])([0-2][0-9]):?([0-5][0-9])$");

    private Names() {}

    /** Whether the text after {@code --- } or {@code +++ } names no file. */
    static boolean isDevNull(String s) {
        return s.startsWith(DEV_NULL) && (s.length() == DEV_NULL.length() || isSpace(s.charAt(DEV_NULL.length())));
    }

    /** A name from a header line: quoted, or up to the end (or a terminator), minus {@code p} components. */
    static String find(String line, String def, int p, int terminate) {
        if (line.startsWith("\"")) {
            String name = quoted(line, p);
            if (name != null) {
                return name;
            }
        }
        return common(line, def, p, -1, terminate);
    }

    /** A name from a traditional {@code ---}/{@code +++} line, which may carry a timestamp after it. */
    static String findTraditional(String line, String def, int p) {
        if (line.startsWith("\"")) {
            String name = quoted(line, p);
            if (name != null) {
                return name;
            }
        }
        int dateLength = timestampLength(line);
        if (dateLength == 0) {
            return common(line, def, p, -1, TERM_TAB);
        }
        return common(line, def, p, line.length() - dateLength, 0);
    }

    /**
     * The strip level a traditional name suggests when nothing else is known: 0 for a bare file
     * name, -1 (unknown) for anything with a folder in it.
     */
    static int guessStripLevel(String line) {
        if (isDevNull(line)) {
            return -1;
        }
        String name = findTraditional(line, null, 0);
        if (name == null) {
            return -1;
        }
        return name.indexOf('/') < 0 ? 0 : -1;
    }

    /** Whether a traditional name line carries the epoch timestamp GNU diff writes for a missing file. */
    static boolean hasEpochTimestamp(String line) {
        int tab = line.lastIndexOf('\t');
        if (tab < 0) {
            return false;
        }
        String stamp = line.substring(tab + 1);
        int epochHour;
        if (stamp.startsWith("1969-12-31 ")) {
            epochHour = 24;
        } else if (stamp.startsWith("1970-01-01 ")) {
            epochHour = 0;
        } else {
            return false;
        }
        Matcher m = EPOCH.matcher(stamp.substring(11));
        if (!m.matches()) {
            return false;
        }
        int hour = Integer.parseInt(m.group(1));
        int minute = Integer.parseInt(m.group(2));
        int zone = Integer.parseInt(m.group(5)) * 60 + Integer.parseInt(m.group(6));
        if (m.group(4).equals("-")) {
            zone = -zone;
        }
        return hour * 60 + minute - zone == epochHour * 60;
    }

    /**
     * The name a {@code diff --git} line states when both sides are the same file, or null when
     * they differ or cannot be told apart (a rename names its files in later lines).
     */
    static String gitHeaderName(int p, String rest) {
        if (rest.startsWith("\"")) {
            Unquoted first = unquote(rest);
            if (first == null) {
                return null;
            }
            String a = skipPrefix(p, first.text);
            if (a == null) {
                return null;
            }
            int i = first.end;
            while (i < rest.length() && isSpace(rest.charAt(i))) {
                i++;
            }
            if (i >= rest.length()) {
                return null;
            }
            String second;
            if (rest.charAt(i) == '"') {
                Unquoted q = unquote(rest.substring(i));
                second = q == null ? null : skipPrefix(p, q.text);
            } else {
                second = skipPrefix(p, rest.substring(i));
            }
            return a.equals(second) ? a : null;
        }
        String name = skipPrefix(p, rest);
        if (name == null) {
            return null;
        }
        int quote = name.indexOf('"');
        if (quote >= 0) {
            Unquoted q = unquote(name.substring(quote));
            String second = q == null ? null : skipPrefix(p, q.text);
            if (second != null && second.length() < quote && name.startsWith(second)
                    && isSpace(name.charAt(second.length()))) {
                return second;
            }
            return null;
        }
        // Unquoted on both sides: accept a name only if it shows up twice, exactly the same.
        // The slashes are indexed once so that each blank costs a binary search, not a rescan:
        // a line of many blanks and slashes stays linear.
        int n = name.length();
        int[] slashes = name.chars().map(c -> c).toArray();
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (name.charAt(i) == '/') {
                slashes[count++] = i;
            }
        }
        for (int len = 0; len < n; len++) {
            char c = name.charAt(len);
            if (c != ' ' && c != '\t') {
                continue;
            }
            if (len + 1 >= n) {
                return null;
            }
            int from = len + 1;
            int secondStart;
            if (p == 0) {
                if (name.charAt(from) == '/') {
                    continue;
                }
                secondStart = from;
            } else {
                int k = java.util.Arrays.binarySearch(slashes, 0, count, from);
                int first = k >= 0 ? k : -k - 1;
                int at = first + p - 1;
                if (at >= count || slashes[at] == from) {
                    continue;
                }
                secondStart = slashes[at] + 1;
            }
            if (n - secondStart == len && name.regionMatches(0, name, secondStart, len)) {
                return name.substring(0, len);
            }
        }
        return null;
    }

    // ---- the pieces -------------------------------------------------------------------------

    private static String quoted(String line, int p) {
        Unquoted u = unquote(line);
        if (u == null) {
            return null;
        }
        String name = u.text;
        int at = 0;
        for (int i = 0; i < p; i++) {
            int slash = name.indexOf('/', at);
            if (slash < 0) {
                return null;
            }
            at = slash + 1;
        }
        return squashSlashes(name.substring(at));
    }

    private static String common(String line, String def, int p, int end, int terminate) {
        int start = p == 0 ? 0 : -1;
        int i = 0;
        int limit = end < 0 ? line.length() : end;
        int level = p;
        while (i < limit) {
            char c = line.charAt(i);
            if (end < 0 && isSpace(c) && terminates(c, terminate)) {
                break;
            }
            i++;
            if (c == '/' && --level == 0) {
                start = i;
            }
        }
        if (start < 0 || i - start == 0) {
            return def == null ? null : squashSlashes(def);
        }
        String name = line.substring(start, i);
        // The shorter name wins when the other one is it plus a suffix, such as "file.orig".
        if (def != null && def.length() < name.length() && name.startsWith(def)) {
            return squashSlashes(def);
        }
        return squashSlashes(name);
    }

    /** A space never ends a name, a tab only when asked to, other blanks always. */
    private static boolean terminates(char c, int terminate) {
        if (c == ' ') {
            return false;
        }
        if (c == '\t') {
            return (terminate & TERM_TAB) != 0;
        }
        return true;
    }

    /** Drops {@code p} leading components; null when there are not that many, or the name is absolute. */
    static String skipPrefix(int p, String name) {
        if (p == 0) {
            return name.startsWith("/") ? null : name;
        }
        int left = p;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '/' && --left <= 0) {
                return i == 0 ? null : name.substring(i + 1);
            }
        }
        return null;
    }

    private static String squashSlashes(String name) {
        if (name.indexOf("//") < 0) {
            return name;
        }
        var out = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '/' || out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                out.append(c);
            }
        }
        return out.toString();
    }

    // ---- timestamps -------------------------------------------------------------------------

    /** The length of a date (with the blanks before it) at the end of a name line, or 0. */
    static int timestampLength(String line) {
        int len = line.length();
        if (len == 0 || !isDigit(line.charAt(len - 1))) {
            return 0;
        }
        int end = len;
        int n = zoneLength(line, end);
        end -= n;
        n = timeLength(line, end);
        end -= n;
        n = dateLength(line, end);
        if (n == 0) {
            return 0;
        }
        end -= n;
        if (end == 0) {
            return 0;
        }
        if (line.charAt(end - 1) == '\t') {
            return len - (end - 1);
        }
        if (line.charAt(end - 1) != ' ') {
            return 0;
        }
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        return len - end;
    }

    private static int zoneLength(String s, int end) {
        // " +0500" or " +05:00"
        if (end >= 6 && s.charAt(end - 6) == ' ' && (s.charAt(end - 5) == '+' || s.charAt(end - 5) == '-')
                && allDigits(s, end - 4, end)) {
            return 6;
        }
        if (end >= 7 && s.charAt(end - 7) == ' ' && (s.charAt(end - 6) == '+' || s.charAt(end - 6) == '-')
                && allDigits(s, end - 5, end - 3) && s.charAt(end - 3) == ':' && allDigits(s, end - 2, end)) {
            return 7;
        }
        return 0;
    }

    private static int timeLength(String s, int end) {
        int n = shortTimeLength(s, end);
        if (n > 0) {
            return n;
        }
        // fractional seconds: " 19:41:17.620000023"
        int p = end - 1;
        if (p < 0 || !isDigit(s.charAt(p))) {
            return 0;
        }
        while (p > 0 && isDigit(s.charAt(p))) {
            p--;
        }
        if (s.charAt(p) != '.') {
            return 0;
        }
        n = shortTimeLength(s, p);
        return n == 0 ? 0 : end - p + n;
    }

    private static int shortTimeLength(String s, int end) {
        // " 07:01:32"
        int t = end - 9;
        if (t < 0 || s.charAt(t) != ' ' || !allDigits(s, t + 1, t + 3) || s.charAt(t + 3) != ':'
                || !allDigits(s, t + 4, t + 6) || s.charAt(t + 6) != ':' || !allDigits(s, t + 7, t + 9)) {
            return 0;
        }
        return 9;
    }

    private static int dateLength(String s, int end) {
        // "72-02-05", or with a four-digit year
        int d = end - 8;
        if (d < 0 || !allDigits(s, d, d + 2) || s.charAt(d + 2) != '-' || !allDigits(s, d + 3, d + 5)
                || s.charAt(d + 5) != '-' || !allDigits(s, d + 6, d + 8)) {
            return 0;
        }
        if (d >= 2 && isDigit(s.charAt(d - 1)) && isDigit(s.charAt(d - 2))) {
            d -= 2;
        }
        return end - d;
    }

    private static boolean allDigits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** git's own notion of a blank, which leaves out form feed and vertical tab. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    // ---- quoting ----------------------------------------------------------------------------

    /** A C-quoted name and the index just past its closing quote. */
    record Unquoted(String text, int end) {}

    /**
     * Reads a C-quoted name at the start of {@code s} as git writes it (octal escapes for bytes
     * of UTF-8); null when the quoting is broken.
     */
    static Unquoted unquote(String s) {
        if (!s.startsWith("\"")) {
            return null;
        }
        var out = new ByteArrayOutputStream();
        int i = 1;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return new Unquoted(out.toString(StandardCharsets.UTF_8), i);
            }
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i >= s.length()) {
                return null;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'a' -> out.write(7);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case '\\', '"' -> out.write(e);
                default -> {
                    if (e < '0' || e > '3' || i + 1 >= s.length() || !isOctal(s.charAt(i))
                            || !isOctal(s.charAt(i + 1))) {
                        return null;
                    }
                    out.write(((e - '0') << 6) | ((s.charAt(i) - '0') << 3) | (s.charAt(i + 1) - '0'));
                    i += 2;
                }
            }
        }
        return null;
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }
}
