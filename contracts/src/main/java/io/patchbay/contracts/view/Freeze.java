package io.patchbay.contracts.view;

import java.time.Instant;
import java.util.List;

/**
 * Why a domain is frozen: the DriftFound event that froze it. New patches of the domain wait until
 * an operator unfreezes it (DomainUnfrozen).
 *
 * @param since when the drift was found
 * @param seq the DriftFound event's position in the domain's chain
 * @param expectedCommit the commit the log says HEAD should be at
 * @param actualCommit the commit HEAD was found at
 * @param detail what differs, for the person deciding between adopt and reset
 * @param files the paths that differ, as the DriftFound event lists them; empty where it lists none
 */
public record Freeze(String domain, Instant since, long seq, String expectedCommit, String actualCommit, String detail,
        List<String> files) {

    /** At most this many files are named in a sentence; the rest are counted. */
    public static final int NAMED_FILES = 10;

    public Freeze {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** Of a DriftFound that lists no files (recorded before they were kept). */
    public Freeze(String domain, Instant since, long seq, String expectedCommit, String actualCommit, String detail) {
        this(domain, since, seq, expectedCommit, actualCommit, detail, null);
    }

    /**
     * The files that differ, for a sentence: the first {@value #NAMED_FILES} and how many more
     * ({@code a.txt, b.txt and 3 more}); null where none are listed.
     */
    public String namedFiles() {
        return named(files);
    }

    /** {@code files} for a sentence, as {@link #namedFiles()} says; null for none. */
    public static String named(List<String> files) {
        if (files == null || files.isEmpty()) {
            return null;
        }
        if (files.size() <= NAMED_FILES) {
            return String.join(", ", files);
        }
        return String.join(", ", files.subList(0, NAMED_FILES)) + " and " + (files.size() - NAMED_FILES) + " more";
    }
}
