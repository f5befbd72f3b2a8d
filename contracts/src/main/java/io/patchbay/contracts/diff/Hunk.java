package io.patchbay.contracts.diff;

import java.util.List;

/**
 * One {@code @@ -oldStart,oldCount +newStart,newCount @@} section of a file's diff, with the lines
 * it expects ({@code before}) and the lines it leaves ({@code after}). Each line keeps its own end
 * of line, so CRLF and a missing final newline survive exactly.
 *
 * @param number   1-based position of the hunk within its file, for messages
 * @param line     1-based line of the {@code @@} header in the diff
 * @param leading  context lines before the first change
 * @param trailing context lines after the last change
 */
public record Hunk(int number, int line, int oldStart, int oldCount, int newStart, int newCount, int leading,
        int trailing, List<byte[]> before, List<byte[]> after) {

    public Hunk {
        before = List.copyOf(before);
        after = List.copyOf(after);
    }
}
