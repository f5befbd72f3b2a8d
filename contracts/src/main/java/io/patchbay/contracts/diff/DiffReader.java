package io.patchbay.contracts.diff;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one reader of diffs: the verdict judges, and the worker applies, what this returns for the same
 * bytes. The strip level comes from the diff alone, never from a working tree, so the paths judged
 * before a patch is accepted are the paths written when it runs.
 *
 * <p>The level: git's {@code -p1} when every file carries {@code a/} and {@code b/} prefixes (or a
 * bare name with no folder, as git guesses); otherwise 1 when the two name lines of some file start
 * with different folders (as {@code proj.orig/x} and {@code proj/x}), and 0 when the names are the
 * same on both sides ({@code git diff --no-prefix}, {@code svn diff}).
 */
public final class DiffReader {

    /** The largest binary file a diff may carry when the caller names no limit. */
    public static final long DEFAULT_MAX_BINARY_BYTES = 64L * 1024 * 1024;
    /** Linux allows 4096 bytes per path; git copes with that, and so does every check after this. */
    public static final int MAX_PATH_BYTES = 4096;
    /** Deeper than any real tree; the bound keeps every walk over a path's folders short. */
    public static final int MAX_PATH_DEPTH = 256;

    private DiffReader() {}

    public static ParsedDiff read(byte[] diff) throws DiffException {
        return read(diff, DEFAULT_MAX_BINARY_BYTES);
    }

    /**
     * Reads a diff.
     *
     * @param maxBinaryBytes the largest binary content a {@code literal} or {@code delta} may announce;
     *                       larger ones are refused before anything is allocated for them
     */
    public static ParsedDiff read(byte[] diff, long maxBinaryBytes) throws DiffException {
        List<FilePatch> asGit;
        DiffException asGitFailed = null;
        try {
            asGit = DiffParser.parse(diff, -1, maxBinaryBytes);
        } catch (DiffException e) {
            asGit = null;
            asGitFailed = e;
        }
        ParsedDiff out;
        if (asGit != null && asGit.stream().allMatch(FilePatch::prefixed)) {
            out = new ParsedDiff(asGit, 1);
        } else {
            List<FilePatch> hints = asGit;
            if (hints == null) {
                hints = parseOrNull(diff, 0, maxBinaryBytes);
            }
            int level = hints != null && hints.stream().anyMatch(p -> p.stripHint() == 1) ? 1 : 0;
            List<FilePatch> files = parseOrNull(diff, level, maxBinaryBytes);
            if (files == null) {
                DiffException atLevel = failure(diff, level, maxBinaryBytes);
                // A size over the bound is the answer at any level; else git's reading says best what is wrong.
                throw asGitFailed != null && !(atLevel instanceof BinarySizeException) ? asGitFailed : atLevel;
            }
            out = new ParsedDiff(files, level);
        }
        if (out.files().isEmpty()) {
            throw new DiffException("the diff changes no file: it has no '--- '/'+++ ' file headers with hunks"
                    + " and no 'diff --git' line");
        }
        for (FilePatch p : out.files()) {
            checkBounds(p.oldName(), p.line());
            checkBounds(p.newName(), p.line());
        }
        return out;
    }

    private static List<FilePatch> parseOrNull(byte[] diff, int strip, long max) {
        try {
            return DiffParser.parse(diff, strip, max);
        } catch (DiffException e) {
            return null;
        }
    }

    /** The parser's own exception, so that its kind (a binary size, say) reaches the caller. */
    private static DiffException failure(byte[] diff, int strip, long max) {
        try {
            DiffParser.parse(diff, strip, max);
            return new DiffException("the diff cannot be read");
        } catch (DiffException e) {
            return e;
        }
    }

    private static void checkBounds(String name, int line) throws DiffException {
        if (name == null) {
            return;
        }
        if (name.length() > MAX_PATH_BYTES || name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new DiffException("the file name of the diff at line " + line + " is longer than "
                    + MAX_PATH_BYTES + " bytes: " + HeaderScan.abbreviate(name));
        }
        long depth = name.chars().filter(c -> c == '/').count() + 1;
        if (depth > MAX_PATH_DEPTH) {
            throw new DiffException("the file name of the diff at line " + line + " is " + depth
                    + " folders deep; at most " + MAX_PATH_DEPTH + " are accepted: " + HeaderScan.abbreviate(name));
        }
    }

    /** Every path a parsed diff reads or writes, for messages and checks; see {@link ParsedDiff#touchedPaths()}. */
    static Stream<String> names(FilePatch p) {
        return Stream.of(p.oldName(), p.newName());
    }
}
