package io.patchbay.contracts.policy;

import io.patchbay.contracts.patch.Risk;
import java.nio.file.FileSystems;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * One entry of a domain's {@code risk.rules}: a patch that does what the rule names is at least
 * {@code level}. A rule names exactly one condition: touched {@code paths} (globs), {@code commands}
 * (argv prefixes, matched against the patch's commands and the command gates that would run),
 * {@code changedLines} (added plus removed lines, at least) or {@code files} (touched files, at
 * least). {@code name} is what the events and the status call the rule; without one it is
 * described by its condition.
 */
public record RiskRule(String name, List<String> paths, List<List<String>> commands, Integer changedLines,
        Integer files, Risk level) {

    public RiskRule {
        paths = paths == null ? null : List.copyOf(paths);
        commands = commands == null ? null : commands.stream().map(List::copyOf).toList();
    }

    public static RiskRule paths(Risk level, String... globs) {
        return new RiskRule(null, List.of(globs), null, null, null, level);
    }

    /** How events and the status name this rule: its {@code name}, or its condition written out. */
    public String describe() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        if (paths != null) {
            return "paths " + String.join(", ", paths);
        }
        if (commands != null) {
            return "commands " + commands.stream().map(c -> String.join(" ", c)).collect(Collectors.joining(", "));
        }
        if (changedLines != null) {
            return "changedLines >= " + changedLines;
        }
        if (files != null) {
            return "files >= " + files;
        }
        return "rule without a condition";
    }

    /**
     * What is wrong with the rule that the schema cannot say, or empty: it must name exactly one
     * condition, and its globs must be globs relative to the working tree.
     */
    Optional<String> problem() {
        int n = conditions();
        if (n != 1) {
            return Optional.of("a risk rule names exactly one of paths, commands, changedLines or files; this one names "
                    + (n == 0 ? "none" : n));
        }
        for (String glob : paths == null ? List.<String>of() : paths) {
            if (glob.startsWith("/")) {
                return Optional.of("the glob '" + glob + "' is absolute; write it relative to the working tree");
            }
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                return Optional.of("'" + glob + "' is not a glob: " + e.getDescription());
            }
        }
        return Optional.empty();
    }

    /** How many conditions the rule names; a valid rule names exactly one. */
    int conditions() {
        int n = 0;
        n += paths != null ? 1 : 0;
        n += commands != null ? 1 : 0;
        n += changedLines != null ? 1 : 0;
        n += files != null ? 1 : 0;
        return n;
    }
}
