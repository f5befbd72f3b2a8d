package io.patchbay.contracts.diff;

import java.util.List;

/**
 * What a diff says about one file, as read from its headers and hunks.
 *
 * @param line       1-based line of the file's header in the diff
 * @param git        whether it came with a {@code diff --git} header
 * @param prefixed   whether its names carry git's {@code a/} and {@code b/} prefixes
 * @param stripHint  what its two name lines suggest without those prefixes: 1 when their first
 *                   folders differ (as in {@code orig/x} and {@code new/x}), 0 when they agree, -1 when
 *                   there is only one side
 * @param oldName    the file the change reads, or null for a new file
 * @param newName    the file the change writes, or null for a deletion
 * @param created    whether the file is new ({@link Known#UNKNOWN} for a traditional diff that does not say)
 * @param deleted    whether the file is deleted (likewise)
 * @param oldMode    the git mode stated for the old side, or 0
 * @param newMode    the git mode stated for the new side, or 0
 * @param oldId      the old blob id from the {@code index} line, or ""
 * @param newId      the new blob id from the {@code index} line, or ""
 * @param binary     whether the change is binary
 * @param binaryData the binary change, or null when the diff only says that the files differ
 */
public record FilePatch(int line, boolean git, boolean prefixed, int stripHint, String oldName, String newName, Known created,
        Known deleted, boolean rename, boolean copy, int oldMode, int newMode, String oldId, String newId,
        List<Hunk> hunks, boolean binary, BinaryHunk binaryData) {

    /** A yes or no that a traditional diff may leave open until the working tree is seen. */
    public enum Known { YES, NO, UNKNOWN }

    public static final int REGULAR = 0100644;
    public static final int EXECUTABLE = 0100755;
    public static final int SYMLINK = 0120000;
    public static final int GITLINK = 0160000;
    public static final int TYPE_MASK = 0170000;

    public FilePatch {
        hunks = List.copyOf(hunks);
    }

    /** The name to speak of in messages. */
    public String name() {
        return newName != null ? newName : oldName;
    }
}
