package io.patchbay.contracts.diff;

import io.patchbay.contracts.diff.FilePatch.Known;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a unified diff the way {@code git apply} does: {@code diff --git} headers (renames, copies,
 * modes, binary data), traditional {@code ---}/{@code +++} headers with or without timestamps, and
 * anything else around them (mail headers, commit messages, {@code Index:} lines) skipped. Hunk
 * lines are kept byte for byte.
 *
 * <p>It is long because it follows git's own parser ({@code apply.c}) rule by rule, so that a diff
 * means here exactly what it means to {@code git apply}; split up, the rules that decide together
 * what a header says would have to be read across files.
 */
final class DiffParser {

    private static final int MAX_ID = 64;

    private final byte[] buf;
    private final int[] starts;
    private final int lines;
    private int strip;
    private boolean stripKnown;

    private final long maxBinaryBytes;

    private DiffParser(byte[] diff, int strip, long maxBinaryBytes) {
        this.maxBinaryBytes = maxBinaryBytes;
        byte[] b = diff;
        if (b.length > 0 && b[b.length - 1] != '\n') {
            // Transports trim a final newline; every line of a diff ends with one.
            b = Arrays.copyOf(b, b.length + 1);
            b[b.length - 1] = '\n';
        }
        this.buf = b;
        var s = new ArrayList<Integer>();
        for (int i = 0; i < b.length; i++) {
            if (i == 0 || b[i - 1] == '\n') {
                s.add(i);
            }
        }
        this.lines = s.size();
        this.starts = new int[lines + 1];
        for (int i = 0; i < lines; i++) {
            starts[i] = s.get(i);
        }
        starts[lines] = b.length;
        this.strip = strip < 0 ? 1 : strip;
        this.stripKnown = strip >= 0;
    }

    /**
     * Parses a diff.
     *
     * @param strip the number of leading path components to drop, or -1 for git's default (1, or 0
     *              for traditional diffs whose names have no folder)
     */
    static List<FilePatch> parse(byte[] diff, int strip, long maxBinaryBytes) throws DiffException {
        return new DiffParser(diff, strip, maxBinaryBytes).parse();
    }

    private List<FilePatch> parse() throws DiffException {
        var out = new ArrayList<FilePatch>();
        int k = 0;
        while (k < lines) {
            Header h = findHeader(k);
            if (h == null) {
                break;
            }
            k = h.next;
            var hunks = new ArrayList<Hunk>();
            int oldLines = 0;
            int newLines = 0;
            while (k < lines && startsWith(k, "@@ -")) {
                Read<Hunk> hunk = parseHunk(k, hunks.size() + 1, h);
                hunks.add(hunk.value());
                oldLines += hunk.value().oldCount();
                newLines += hunk.value().newCount();
                k = hunk.next();
            }
            if (h.created == Known.UNKNOWN && (oldLines > 0 || hunks.size() > 1)) {
                h.created = Known.NO;
            }
            if (h.deleted == Known.UNKNOWN && (newLines > 0 || hunks.size() > 1)) {
                h.deleted = Known.NO;
            }
            if (h.created == Known.YES && oldLines > 0) {
                throw new DiffException("the diff creates " + h.newName + " (line " + h.line
                        + ") but its hunks expect old content");
            }
            if (h.deleted == Known.YES && newLines > 0) {
                throw new DiffException("the diff deletes " + h.oldName + " (line " + h.line
                        + ") but its hunks leave content in it");
            }
            boolean binary = false;
            BinaryHunk data = null;
            if (hunks.isEmpty() && k < lines) {
                String t = text(k);
                if (t.equals("GIT binary patch")) {
                    binary = true;
                    Read<BinaryHunk> forward = parseBinary(k + 1, h);
                    data = forward.value();
                    k = forward.next();
                } else if (HeaderScan.binaryDiffers(t) != null) {
                    binary = true;
                    k++;
                }
            }
            if (hunks.isEmpty() && !binary && !h.metadataChanges()) {
                throw new DiffException("the diff of " + h.name() + " (line " + h.line
                        + ") has a header but no change");
            }
            int hint = stripHint(h.oldLine, h.newLine);
            out.add(new FilePatch(h.line, h.git, h.prefixed, hint, h.oldName, h.newName, h.created, h.deleted,
                    h.rename, h.copy, h.oldMode, h.newMode, h.oldId, h.newId, hunks, binary, data));
        }
        return out;
    }

    // ---- headers ----------------------------------------------------------------------------

    /** A file header while it is being read. */
    private static final class Header {
        int line;
        int next;
        boolean git;
        boolean prefixed;
        String defName;
        String oldLine;
        String newLine;
        String oldName;
        String newName;
        Known created = Known.UNKNOWN;
        Known deleted = Known.UNKNOWN;
        boolean rename;
        boolean copy;
        int oldMode;
        int newMode;
        String oldId = "";
        String newId = "";
        int extensionLine;

        String name() {
            return newName != null ? newName : oldName;
        }

        boolean metadataChanges() {
            return rename || copy || created == Known.YES || deleted == Known.YES
                    || (oldMode != 0 && newMode != 0 && oldMode != newMode);
        }
    }

    private Header findHeader(int from) throws DiffException {
        for (int k = from; k < lines; k++) {
            int len = end(k) - starts[k];
            if (len < 6) {
                continue;
            }
            if (startsWith(k, "@@ -") && HeaderScan.isHunkHeader(text(k))) {
                throw new DiffException("line " + (k + 1) + " of the diff starts a hunk without a file header: "
                        + text(k));
            }
            String binary = HeaderScan.binaryDiffers(text(k));
            if (binary != null) {
                // git skips this line of a plain `diff -r`; dropping a change silently is worse than refusing.
                throw new DiffException("line " + (k + 1) + " of the diff says binary files " + binary
                        + " differ but carries no data; make the diff with git diff --binary");
            }
            if (buf.length - end(k) < 6) {
                break;
            }
            if (startsWith(k, "diff --git ")) {
                Header h = gitHeader(k);
                if (h.next > k + 1) {
                    return h;
                }
                continue;
            }
            if (startsWith(k, "--- ") && k + 2 < lines && startsWith(k + 1, "+++ ") && startsWith(k + 2, "@@ -")) {
                return traditionalHeader(k);
            }
        }
        return null;
    }

    private Header traditionalHeader(int k) throws DiffException {
        String first = text(k).substring(4);
        String second = text(k + 1).substring(4);
        if (!stripKnown) {
            int p = Names.guessStripLevel(first);
            int q = Names.guessStripLevel(second);
            if (p < 0) {
                p = q;
            }
            if (p >= 0 && p == q) {
                strip = p;
                stripKnown = true;
            }
        }
        var h = new Header();
        h.line = k + 1;
        h.next = k + 2;
        h.oldLine = first;
        h.newLine = second;
        h.prefixed = (Names.isDevNull(first) || first.startsWith("a/") || first.startsWith("\"a/"))
                && (Names.isDevNull(second) || second.startsWith("b/") || second.startsWith("\"b/"));
        String name;
        if (Names.isDevNull(first)) {
            h.created = Known.YES;
            h.deleted = Known.NO;
            name = Names.findTraditional(second, null, strip);
            h.newName = name;
        } else if (Names.isDevNull(second)) {
            h.created = Known.NO;
            h.deleted = Known.YES;
            name = Names.findTraditional(first, null, strip);
            h.oldName = name;
        } else {
            String firstName = Names.findTraditional(first, null, strip);
            name = Names.findTraditional(second, firstName, strip);
            if (Names.hasEpochTimestamp(first)) {
                h.created = Known.YES;
                h.deleted = Known.NO;
                h.newName = name;
            } else if (Names.hasEpochTimestamp(second)) {
                h.created = Known.NO;
                h.deleted = Known.YES;
                h.oldName = name;
            } else {
                h.oldName = name;
                h.newName = name;
            }
        }
        if (name == null) {
            throw new DiffException("cannot find a file name in the diff at line " + (k + 1));
        }
        return h;
    }

    private Header gitHeader(int k) throws DiffException {
        var h = new Header();
        h.git = true;
        h.line = k + 1;
        h.created = Known.NO;
        h.deleted = Known.NO;
        String rest = text(k).substring("diff --git ".length());
        h.prefixed = (rest.startsWith("a/") || rest.startsWith("\"a/"))
                && (rest.contains(" b/") || rest.contains(" \"b/"));
        h.defName = Names.gitHeaderName(strip, rest);
        int i = k + 1;
        headerLines:
        for (; i < lines; i++) {
            String t = text(i);
            String v;
            if (t.startsWith("@@ -")) {
                break;
            } else if ((v = after(t, "--- ")) != null) {
                h.oldLine = v;
                h.oldName = verifyName(h, v, h.created == Known.YES, h.oldName, "old", i);
            } else if ((v = after(t, "+++ ")) != null) {
                h.newLine = v;
                h.newName = verifyName(h, v, h.deleted == Known.YES, h.newName, "new", i);
            } else if ((v = after(t, "old mode ")) != null) {
                h.oldMode = mode(v, i);
            } else if ((v = after(t, "new mode ")) != null) {
                h.newMode = mode(v, i);
            } else if ((v = after(t, "deleted file mode ")) != null) {
                h.deleted = Known.YES;
                h.oldName = h.defName;
                h.oldMode = mode(v, i);
            } else if ((v = after(t, "new file mode ")) != null) {
                h.created = Known.YES;
                h.newName = h.defName;
                h.newMode = mode(v, i);
            } else if ((v = after(t, "copy from ")) != null) {
                h.copy = true;
                h.oldName = Names.find(v, null, Math.max(strip - 1, 0), 0);
            } else if ((v = after(t, "copy to ")) != null) {
                h.copy = true;
                h.newName = Names.find(v, null, Math.max(strip - 1, 0), 0);
            } else if ((v = after(t, "rename from ")) != null || (v = after(t, "rename old ")) != null) {
                h.rename = true;
                h.oldName = Names.find(v, null, Math.max(strip - 1, 0), 0);
            } else if ((v = after(t, "rename to ")) != null || (v = after(t, "rename new ")) != null) {
                h.rename = true;
                h.newName = Names.find(v, null, Math.max(strip - 1, 0), 0);
            } else if (t.startsWith("similarity index ") || t.startsWith("dissimilarity index ")) {
                continue;
            } else if ((v = after(t, "index ")) != null) {
                index(h, v, i);
            } else {
                break headerLines;
            }
            int extensions = (h.deleted == Known.YES ? 1 : 0) + (h.created == Known.YES ? 1 : 0)
                    + (h.rename ? 1 : 0) + (h.copy ? 1 : 0);
            if (extensions > 1) {
                throw new DiffException("the diff's header lines " + h.extensionLine + " and " + (i + 1)
                        + " contradict each other");
            }
            if (extensions > 0 && h.extensionLine == 0) {
                h.extensionLine = i + 1;
            }
        }
        h.next = i;
        if (h.oldName == null && h.newName == null) {
            if (h.defName == null) {
                if (h.next == k + 1) {
                    return h;
                }
                throw new DiffException("the git diff header at line " + (k + 1)
                        + " names no file when its first " + strip + " path component(s) are removed");
            }
            h.oldName = h.defName;
            h.newName = h.defName;
        }
        if ((h.newName == null && h.deleted != Known.YES) || (h.oldName == null && h.created != Known.YES)) {
            throw new DiffException("the git diff header at line " + (k + 1) + " lacks a file name");
        }
        return h;
    }

    private static int stripHint(String oldLine, String newLine) {
        if (oldLine == null || newLine == null || Names.isDevNull(oldLine) || Names.isDevNull(newLine)) {
            return -1;
        }
        String a = Names.findTraditional(oldLine, null, 0);
        String b = Names.findTraditional(newLine, null, 0);
        if (a == null || b == null) {
            return -1;
        }
        int sa = a.indexOf('/');
        int sb = b.indexOf('/');
        if (sa < 0 || sb < 0) {
            return 0;
        }
        return a.substring(0, sa).equals(b.substring(0, sb)) ? 0 : 1;
    }

    private String verifyName(Header h, String line, boolean isNull, String name, String side, int i)
            throws DiffException {
        if (name == null && !isNull) {
            return Names.find(line, null, strip, Names.TERM_TAB);
        }
        if (name != null) {
            if (isNull) {
                throw new DiffException("line " + (i + 1) + " of the diff should say /dev/null but names " + name);
            }
            String another = Names.find(line, null, strip, Names.TERM_TAB);
            if (!name.equals(another)) {
                throw new DiffException("line " + (i + 1) + " of the diff names another " + side
                        + " file than its header: " + another + " instead of " + name);
            }
        } else if (!Names.isDevNull(line)) {
            throw new DiffException("line " + (i + 1) + " of the diff should say /dev/null");
        }
        return name;
    }

    private static int mode(String v, int i) throws DiffException {
        int end = 0;
        while (end < v.length() && v.charAt(end) >= '0' && v.charAt(end) <= '7') {
            end++;
        }
        if (end == 0 || (end < v.length() && !Names.isSpace(v.charAt(end))) || end > 7) {
            throw new DiffException("line " + (i + 1) + " of the diff has an invalid mode: " + v);
        }
        return Integer.parseInt(v.substring(0, end), 8);
    }

    private static void index(Header h, String v, int i) throws DiffException {
        int dots = v.indexOf("..");
        if (dots < 0 || dots > MAX_ID || v.indexOf('.') != dots) {
            return;
        }
        String rest = v.substring(dots + 2);
        int space = rest.indexOf(' ');
        String newId = space < 0 ? rest : rest.substring(0, space);
        if (newId.length() > MAX_ID) {
            return;
        }
        h.oldId = v.substring(0, dots);
        h.newId = newId;
        if (space >= 0) {
            h.oldMode = mode(rest.substring(space + 1), i);
        }
    }

    // ---- hunks ------------------------------------------------------------------------------

    /** Something read from the diff, and the line after it. */
    private record Read<T>(T value, int next) {}

    private Read<Hunk> parseHunk(int k, int number, Header h) throws DiffException {
        int[] numbers = HeaderScan.hunkNumbers(text(k), k + 1);
        if (numbers == null) {
            throw corrupt(k, h);
        }
        int oldStart = numbers[0];
        int oldCount = numbers[1];
        int newStart = numbers[2];
        int newCount = numbers[3];
        int oldLeft = oldCount;
        int newLeft = newCount;
        int leading = 0;
        int trailing = 0;
        int added = 0;
        int deleted = 0;
        int i = k + 1;
        for (; i < lines && (oldLeft > 0 || newLeft > 0); i++) {
            switch (buf[starts[i]]) {
                case '\n', ' ' -> {
                    oldLeft--;
                    newLeft--;
                    if (added == 0 && deleted == 0) {
                        leading++;
                    }
                    trailing++;
                }
                case '-' -> {
                    deleted++;
                    oldLeft--;
                    trailing = 0;
                }
                case '+' -> {
                    added++;
                    newLeft--;
                    trailing = 0;
                }
                case '\\' -> {
                    if (end(i) - starts[i] < 12 || buf[starts[i] + 1] != ' ') {
                        throw corrupt(i, h);
                    }
                }
                default -> throw corrupt(i, h);
            }
            if (oldLeft < 0 || newLeft < 0) {
                throw corrupt(i, h);
            }
        }
        if (oldLeft != 0 || newLeft != 0 || (added == 0 && deleted == 0)) {
            throw corrupt(i, h);
        }
        // A hunk that ends with an incomplete line: the marker comes after the counts ran out.
        if (i < lines && buf[starts[i]] == '\\' && buf.length - starts[i] > 12 && buf[starts[i] + 1] == ' ') {
            i++;
        }
        int next = i;
        var before = new ArrayList<byte[]>();
        var after = new ArrayList<byte[]>();
        for (int j = k + 1; j < i; j++) {
            int s = starts[j];
            int len = end(j) - s;
            // The line before "\ No newline at end of file" loses its newline.
            int plen = len - 1;
            if (j + 1 < i && buf[starts[j + 1]] == '\\') {
                plen--;
            }
            byte first = buf[s];
            if (first == '\n') {
                if (plen >= 0) {
                    before.add(new byte[] {'\n'});
                    after.add(new byte[] {'\n'});
                }
            } else if (first == ' ' || first == '-' || first == '+') {
                byte[] content = Arrays.copyOfRange(buf, s + 1, s + 1 + plen);
                if (first != '+') {
                    before.add(content);
                }
                if (first != '-') {
                    after.add(content);
                }
            }
        }
        return new Read<>(new Hunk(number, k + 1, oldStart, oldCount, newStart, newCount, leading, trailing, before,
                after), next);
    }

    private static DiffException corrupt(int k, Header h) {
        return new DiffException("the diff of " + h.name() + " is corrupt at line " + (k + 1));
    }

    // ---- binary -----------------------------------------------------------------------------

    private Read<BinaryHunk> parseBinary(int k, Header h) throws DiffException {
        Read<BinaryHunk> forward = binaryHunk(k, h);
        if (forward == null) {
            throw new DiffException("the binary patch of " + h.name() + " at line " + (k + 1)
                    + " has neither literal nor delta data");
        }
        // The reverse hunk is optional; read it only to step over it.
        Read<BinaryHunk> reverse = binaryHunk(forward.next(), h);
        return reverse == null ? forward : new Read<>(forward.value(), reverse.next());
    }

    private Read<BinaryHunk> binaryHunk(int k, Header h) throws DiffException {
        if (k >= lines) {
            return null;
        }
        String head = text(k);
        boolean delta;
        String size;
        if (head.startsWith("delta ")) {
            delta = true;
            size = head.substring(6);
        } else if (head.startsWith("literal ")) {
            delta = false;
            size = head.substring(8);
        } else {
            return null;
        }
        long expected = HeaderScan.number(size.strip());
        if (expected < 0) {
            throw new DiffException("the binary patch of " + h.name() + " has a bad size at line " + (k + 1));
        }
        if (expected > maxBinaryBytes) {
            // Checked before reading the data: the size is the submitter's word, not yet a fact.
            throw new BinarySizeException(h.name(), k + 1, expected, maxBinaryBytes);
        }
        var deflated = new ByteArrayOutputStream();
        int i = k + 1;
        for (; i < lines; i++) {
            byte[] line = text(i).getBytes(StandardCharsets.US_ASCII);
            if (line.length == 0) {
                i++;
                break;
            }
            int llen = line.length + 1;
            if (llen < 7 || (llen - 2) % 5 != 0) {
                throw corruptBinary(i, h);
            }
            int max = (llen - 2) / 5 * 4;
            int n = line[0];
            if (n >= 'A' && n <= 'Z') {
                n = n - 'A' + 1;
            } else if (n >= 'a' && n <= 'z') {
                n = n - 'a' + 27;
            } else {
                throw corruptBinary(i, h);
            }
            if (max < n || n <= max - 4) {
                throw corruptBinary(i, h);
            }
            try {
                deflated.writeBytes(Base85.decode(line, 1, line.length - 1, n));
            } catch (IllegalArgumentException e) {
                throw corruptBinary(i, h);
            }
        }
        return new Read<>(new BinaryHunk(delta, inflate(deflated.toByteArray(), expected, k, h)), i);
    }

    private static byte[] inflate(byte[] data, long size, int k, Header h) throws DiffException {
        var inflater = new Inflater();
        try {
            inflater.setInput(data);
            // The output grows with what really inflates, so a false size allocates nothing.
            var out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            long n = 0;
            while (n <= size && !inflater.finished()) {
                int got = inflater.inflate(chunk, 0, (int) Math.min(chunk.length, size - n + 1));
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(chunk, 0, got);
                n += got;
            }
            if (n != size || !inflater.finished()) {
                throw new DiffException("the binary patch of " + h.name() + " at line " + (k + 1)
                        + " does not inflate to the " + size + " bytes it announces");
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new DiffException("the binary patch of " + h.name() + " at line " + (k + 1)
                    + " is not valid compressed data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static DiffException corruptBinary(int k, Header h) {
        return new DiffException("the binary patch of " + h.name() + " is corrupt at line " + (k + 1));
    }

    // ---- lines ------------------------------------------------------------------------------

    private int end(int k) {
        return starts[k + 1];
    }

    private boolean startsWith(int k, String prefix) {
        int s = starts[k];
        if (end(k) - s < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[s + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Line k as text, without its line ending (a CR before the LF included). */
    private String text(int k) {
        int s = starts[k];
        int e = end(k);
        if (e > s && buf[e - 1] == '\n') {
            e--;
        }
        if (e > s && buf[e - 1] == '\r') {
            e--;
        }
        return new String(buf, s, e - s, StandardCharsets.UTF_8);
    }

    private static String after(String t, String prefix) {
        return t.startsWith(prefix) ? t.substring(prefix.length()) : null;
    }
}
