package io.patchbay.contracts.diff;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A diff as read: its files in order and the strip level their names were read with.
 *
 * @param strip the number of leading path components removed from every name
 */
public record ParsedDiff(List<FilePatch> files, int strip) {

    public ParsedDiff {
        files = List.copyOf(files);
    }

    /**
     * Every path the diff touches, in order and once each: what it changes, creates, deletes or
     * changes the mode of, both sides of a rename, and the source a copy reads as well as the
     * copy it writes.
     */
    public List<String> touchedPaths() {
        var out = new LinkedHashSet<String>();
        for (FilePatch p : files) {
            DiffReader.names(p).filter(Objects::nonNull).forEach(out::add);
        }
        return List.copyOf(out);
    }
}
