package io.patchbay.executor.worker.apply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;

/** Unified diffs of two versions of {@code f.txt}, made by JGit's diff machinery. */
final class UnifiedDiffs {

    private UnifiedDiffs() {}

    /** The diff from a to b with the given context, or an empty array when they are equal. */
    static byte[] of(byte[] a, byte[] b, int context) throws IOException {
        RawText ra = new RawText(a);
        RawText rb = new RawText(b);
        EditList edits = DiffAlgorithm.getAlgorithm(DiffAlgorithm.SupportedAlgorithm.HISTOGRAM)
                .diff(RawTextComparator.DEFAULT, ra, rb);
        if (edits.isEmpty()) {
            return new byte[0];
        }
        var out = new ByteArrayOutputStream();
        out.writeBytes("diff --git a/f.txt b/f.txt\n--- a/f.txt\n+++ b/f.txt\n".getBytes(StandardCharsets.US_ASCII));
        try (var df = new DiffFormatter(out)) {
            df.setContext(context);
            df.format(edits, ra, rb);
        }
        return out.toByteArray();
    }
}
