package io.patchbay.executor.worker.apply;

import io.patchbay.contracts.diff.Hunk;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A file as lines (each with its own line ending), to which hunks are applied with the rules of
 * {@code git apply}: a hunk must match byte for byte; it is looked for first where its header says,
 * then one line further, one line back, two further and so on; a hunk that starts at line 1 must
 * match at the top and one without trailing context must match at the end; lines a hunk has
 * written are never matched again.
 */
final class TextImage {

    private static final class Line {
        final byte[] bytes;
        final int hash;
        final boolean patched;

        Line(byte[] bytes, boolean patched) {
            this.bytes = bytes;
            this.hash = hash(bytes);
            this.patched = patched;
        }
    }

    private final List<Line> lines = new ArrayList<>();
    /** suffix[i] = bytes from line i to the end; rebuilt after each hunk. */
    private long[] suffix;

    TextImage(byte[] content) {
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                lines.add(new Line(java.util.Arrays.copyOfRange(content, start, i + 1), false));
                start = i + 1;
            }
        }
        if (start < content.length) {
            lines.add(new Line(java.util.Arrays.copyOfRange(content, start, content.length), false));
        }
        reindex();
    }

    /**
     * Applies a hunk in place.
     *
     * @return the 1-based line where it applied, or -1 when it matches nowhere (the image is unchanged)
     */
    int apply(Hunk h) {
        boolean atBeginning = h.oldStart() <= 1;
        boolean atEnd = h.trailing() == 0;
        int pos = h.newStart() > 0 ? h.newStart() - 1 : 0;
        int at = find(h.before(), pos, atBeginning, atEnd);
        if (at < 0) {
            return -1;
        }
        for (int i = 0; i < h.before().size(); i++) {
            lines.remove(at);
        }
        var written = new ArrayList<Line>();
        for (byte[] b : h.after()) {
            written.add(new Line(b, true));
        }
        lines.addAll(at, written);
        reindex();
        return at + 1;
    }

    byte[] bytes() {
        var out = new ByteArrayOutputStream((int) suffix[0]);
        for (Line l : lines) {
            out.writeBytes(l.bytes);
        }
        return out.toByteArray();
    }

    private void reindex() {
        suffix = new long[lines.size() + 1];
        for (int i = lines.size() - 1; i >= 0; i--) {
            suffix[i] = suffix[i + 1] + lines.get(i).bytes.length;
        }
    }

    private int find(List<byte[]> before, int line, boolean atBeginning, boolean atEnd) {
        int nr = lines.size();
        if (atBeginning) {
            line = 0;
        } else if (atEnd) {
            line = nr - before.size();
        }
        if (line < 0 || line > nr) {
            line = nr;
        }
        int[] hashes = before.stream().mapToInt(TextImage::hash).toArray();
        long length = before.stream().mapToLong(b -> b.length).sum();
        int backwards = line;
        int forwards = line;
        int current = line;
        for (int i = 0; ; i++) {
            if (matches(before, hashes, length, current, atBeginning, atEnd)) {
                return current;
            }
            // Alternate: one further, one back, two further, two back ...
            while (true) {
                if (backwards == 0 && forwards == nr) {
                    return -1;
                }
                if ((i & 1) != 0) {
                    if (backwards == 0) {
                        i++;
                        continue;
                    }
                    current = --backwards;
                } else {
                    if (forwards == nr) {
                        i++;
                        continue;
                    }
                    current = ++forwards;
                }
                break;
            }
        }
    }

    private boolean matches(List<byte[]> before, int[] hashes, long length, int at, boolean atBeginning,
            boolean atEnd) {
        int nr = lines.size();
        if (before.size() + at > nr || (atEnd && before.size() + at != nr) || (atBeginning && at != 0)) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            Line l = lines.get(at + i);
            if (l.patched || l.hash != hashes[i]) {
                return false;
            }
        }
        long available = suffix[at];
        if (atEnd ? available != length : available < length) {
            return false;
        }
        // The bytes compare as one run, as git compares buffers.
        int li = at;
        int lo = 0;
        for (byte[] b : before) {
            for (byte c : b) {
                while (lo == lines.get(li).bytes.length) {
                    li++;
                    lo = 0;
                }
                if (lines.get(li).bytes[lo++] != c) {
                    return false;
                }
            }
        }
        return true;
    }

    /** git's line hash: blanks ignored, kept to 24 bits. */
    private static int hash(byte[] line) {
        int h = 0;
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                h = h * 3 + (b & 0xff);
            }
        }
        return h & 0xffffff;
    }
}
