package io.patchbay.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the pace table into the README between {@value #START} and {@value #END}, replacing what was
 * there; where the markers are missing, they go in before the "## Layout" section (else at the end).
 */
final class ReadmeTable {

    static final String START = "<!-- bench:start -->";
    static final String END = "<!-- bench:end -->";

    private ReadmeTable() {}

    static void write(Path readme, String table) throws Exception {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String block = START + "\n" + table.strip() + "\n" + END;
        int s = text.indexOf(START);
        int e = text.indexOf(END);
        String updated;
        if (s >= 0 && e > s) {
            updated = text.substring(0, s) + block + text.substring(e + END.length());
        } else {
            int layout = text.indexOf("\n## Layout");
            updated = layout < 0 ? text.stripTrailing() + "\n\n" + block + "\n"
                    : text.substring(0, layout) + "\n" + block + "\n" + text.substring(layout);
        }
        Files.writeString(readme, updated, StandardCharsets.UTF_8);
    }
}
