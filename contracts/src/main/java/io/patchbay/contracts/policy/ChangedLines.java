package io.patchbay.contracts.policy;

import io.patchbay.contracts.patch.FileChange;
import java.util.List;

/**
 * Counts the lines a patch adds or removes, for the {@code changedLines} risk rule: the '+' and '-'
 * lines inside the hunks of its diff (file headers such as {@code --- a/x} are not inside a hunk),
 * plus the lines of its file writes and inserts. One pass over the bytes, no regular expression, no
 * allocation per line, so a hostile diff costs only its length.
 */
final class ChangedLines {

    /** Digits read of one hunk-header number; more than this many is no hunk length git could write. */
    private static final int MAX_DIGITS = 10;

    private ChangedLines() {}

    static long of(byte[] diff, List<FileChange> files) {
        long n = diff == null ? 0 : inDiff(diff);
        for (FileChange f : files) {
            if (!f.isDelete() && f.content() != null) {
                n += lines(f.content());
            }
        }
        return n;
    }

    /**
     * Added and removed lines in the hunks of a unified diff. A hunk's header says how many old and
     * new lines follow, so the hunk ends exactly where git would end it; when the header cannot be
     * read, the hunk runs while lines look like hunk lines.
     */
    static long inDiff(byte[] diff) {
        long changed = 0;
        long oldLeft = 0;
        long newLeft = 0;
        boolean inHunk = false;
        boolean counted = false;
        int at = 0;
        while (at < diff.length) {
            int end = at;
            while (end < diff.length && diff[end] != '\n') {
                end++;
            }
            byte first = end > at ? diff[at] : (byte) ' ';
            if (inHunk && (first == '+' || first == '-' || first == ' ' || first == '\\' || first == '\r')) {
                if (first == '+' || first == '-') {
                    changed++;
                }
                if (counted) {
                    if (first != '+' && first != '\\') {
                        oldLeft--;
                    }
                    if (first != '-' && first != '\\') {
                        newLeft--;
                    }
                    inHunk = oldLeft > 0 || newLeft > 0;
                }
            } else {
                inHunk = false;
                if (startsWith(diff, at, end, "@@ -")) {
                    long[] lengths = hunkLengths(diff, at + 4, end);
                    inHunk = true;
                    counted = lengths != null;
                    oldLeft = counted ? lengths[0] : 0;
                    newLeft = counted ? lengths[1] : 0;
                    inHunk = !counted || oldLeft > 0 || newLeft > 0;
                }
            }
            at = end + 1;
        }
        return changed;
    }

    /** The old and new line counts of {@code @@ -a[,b] +c[,d] @@}, read from just after "@@ -"; null when malformed. */
    private static long[] hunkLengths(byte[] s, int at, int end) {
        long[] out = new long[2];
        for (int side = 0; side < 2; side++) {
            int digits = skipDigits(s, at, end);
            if (digits == at) {
                return null;
            }
            at = digits;
            out[side] = 1;
            if (at < end && s[at] == ',') {
                int from = at + 1;
                at = skipDigits(s, from, end);
                if (at == from) {
                    return null;
                }
                out[side] = Long.parseLong(new String(s, from, at - from, java.nio.charset.StandardCharsets.US_ASCII));
            }
            String next = side == 0 ? " +" : " @@";
            if (!startsWith(s, at, end, next)) {
                return null;
            }
            at += next.length();
        }
        return out;
    }

    /** The index after the digits at {@code at}; {@code at} itself when there are none or too many. */
    private static int skipDigits(byte[] s, int at, int end) {
        int i = at;
        while (i < end && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
        return i - at > MAX_DIGITS ? at : i;
    }

    private static boolean startsWith(byte[] s, int at, int end, String prefix) {
        if (end - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Lines of a text: its line breaks, and one more for a last line without one. */
    static long lines(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        long n = text.chars().filter(c -> c == '\n').count();
        return text.charAt(text.length() - 1) == '\n' ? n : n + 1;
    }
}
