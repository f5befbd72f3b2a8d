package io.patchbay.contracts.patch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the file names a unified diff touches from its headers, so that the contract can judge a
 * diff before anything is applied. Names are returned as the diff states them, minus git's
 * {@code a/} and {@code b/} prefixes; judging whether they are safe is the verdict's job.
 */
public final class DiffPaths {

    private static final Pattern GIT_HEADER = Pattern.compile("^diff --git (\"?)a/(.+?)\\1 (\"?)b/(.+?)\\3$");
    private static final Pattern FILE_LINE = Pattern.compile("^(?:---|\\+\\+\\+) (.+?)(?:\\t.*)?$");
    private static final Pattern RENAME_COPY = Pattern.compile("^(?:rename|copy) (?:from|to) (.+)$");

    private DiffPaths() {}

    public static List<String> touched(String diff) {
        var paths = new LinkedHashSet<String>();
        boolean inHunk = false;
        int minus = 0;
        int plus = 0;
        for (String raw : diff.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (inHunk && (minus > 0 || plus > 0)) {
                // Inside a hunk, '--- x' may be a removed line that starts with "-- x": count lines instead of guessing.
                if (line.startsWith("-")) {
                    minus--;
                } else if (line.startsWith("+")) {
                    plus--;
                } else if (line.startsWith(" ") || line.isEmpty()) {
                    minus--;
                    plus--;
                }
                continue;
            }
            inHunk = false;
            Matcher hunk = HUNK.matcher(line);
            if (hunk.find()) {
                inHunk = true;
                minus = hunk.group(1) == null ? 1 : Integer.parseInt(hunk.group(1));
                plus = hunk.group(2) == null ? 1 : Integer.parseInt(hunk.group(2));
                continue;
            }
            Matcher m = GIT_HEADER.matcher(line);
            if (m.matches()) {
                paths.add(m.group(2));
                paths.add(m.group(4));
                continue;
            }
            m = RENAME_COPY.matcher(line);
            if (m.matches()) {
                paths.add(m.group(1));
                continue;
            }
            m = FILE_LINE.matcher(line);
            if (m.matches()) {
                String name = unquote(m.group(1).trim());
                if (!name.equals("/dev/null")) {
                    paths.add(stripPrefix(name));
                }
            }
        }
        return new ArrayList<>(paths);
    }

    private static final Pattern HUNK = Pattern.compile("^@@ -\\d+(?:,(\\d+))? \\+\\d+(?:,(\\d+))? @@");

    private static String unquote(String name) {
        if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
            return name.substring(1, name.length() - 1);
        }
        return name;
    }

    private static String stripPrefix(String name) {
        if (name.startsWith("a/") || name.startsWith("b/")) {
            return name.substring(2);
        }
        return name;
    }
}
