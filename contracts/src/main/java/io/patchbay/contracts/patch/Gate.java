package io.patchbay.contracts.patch;

import java.util.List;

/**
 * An acceptance gate: either a command ({@code run}, an argv list) that must exit 0, or a check
 * that a file contains a text. {@code timeout} is a duration such as {@code 30s} or {@code 5m}.
 */
public record Gate(String name, List<String> run, String timeout, FileContains fileContains) {

    public record FileContains(String path, String text) {}

    public static Gate command(String name, List<String> run) {
        return new Gate(name, List.copyOf(run), null, null);
    }

    public static Gate fileContains(String name, String path, String text) {
        return new Gate(name, null, null, new FileContains(path, text));
    }

    public boolean isCommand() {
        return run != null && !run.isEmpty();
    }
}
