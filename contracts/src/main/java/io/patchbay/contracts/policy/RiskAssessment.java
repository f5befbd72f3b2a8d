package io.patchbay.contracts.policy;

import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.ArrayList;
import java.util.List;

/**
 * A patch's effective risk level and what set it. The contract's {@code risk.rules} judge what the
 * patch does; the highest matching level wins (the first such rule names it). The submitter's own
 * {@code risk} may raise the level, never lower it, so leaving it out, or understating it, does not
 * get a patch past approvals and change windows. Pure, like the rest of the verdict.
 *
 * @param rule the {@linkplain RiskRule#describe() rule} that set the level, {@link #SUBMITTER} when
 *     the patch's own risk was higher than every matching rule, {@link #DEFAULT} when neither said anything
 */
public record RiskAssessment(Risk level, String rule) {

    public static final String SUBMITTER = "submitter";
    public static final String DEFAULT = "default";

    public static RiskAssessment of(Patch patch, DomainPolicy policy) {
        return of(patch, policy, patch.touchedPaths());
    }

    /** As {@link #of(Patch, DomainPolicy)}, with the paths the caller already read from the patch. */
    public static RiskAssessment of(Patch patch, DomainPolicy policy, List<String> touchedPaths) {
        Risk best = null;
        RiskRule setBy = null;
        Facts facts = new Facts(patch, policy, touchedPaths);
        for (RiskRule rule : policy.risk().rules()) {
            if (rule.level() != null && (best == null || rule.level().compareTo(best) > 0) && facts.match(rule)) {
                best = rule.level();
                setBy = rule;
            }
        }
        Risk own = patch.risk();
        if (own != null && (best == null || own.compareTo(best) > 0)) {
            return new RiskAssessment(own, SUBMITTER);
        }
        return best == null ? new RiskAssessment(Risk.LOW, DEFAULT) : new RiskAssessment(best, setBy.describe());
    }

    /** Whether the level came from a contract rule rather than the submitter or the default. */
    public boolean byRule() {
        return !SUBMITTER.equals(rule) && !DEFAULT.equals(rule);
    }

    /** The level and where it came from, for a person: {@code high, by the contract's rule 'paths deploy/**'}. */
    public String explain() {
        return explain(level, rule);
    }

    /** {@link #explain()} for a level and rule read back from an event; a null rule (an older event) says nothing about its source. */
    public static String explain(Risk level, String rule) {
        if (level == null) {
            return "unknown";
        }
        if (rule == null) {
            return level.label();
        }
        return level.label() + switch (rule) {
            case SUBMITTER -> ", as the submitter stated";
            case DEFAULT -> ", the default (no risk stated, no rule matched)";
            default -> ", by the contract's rule '" + rule + "'";
        };
    }

    /** What the rules look at, each worked out once and only when a rule asks for it. */
    private static final class Facts {
        private final Patch patch;
        private final DomainPolicy policy;
        private List<String> paths;
        private List<List<String>> commands;
        private Long changedLines;

        Facts(Patch patch, DomainPolicy policy, List<String> paths) {
            this.patch = patch;
            this.policy = policy;
            this.paths = List.copyOf(paths);
        }

        boolean match(RiskRule rule) {
            if (rule.paths() != null) {
                return paths().stream().anyMatch(p -> matches(p, rule.paths()));
            }
            if (rule.commands() != null) {
                return commands().stream().anyMatch(argv -> rule.commands().stream().anyMatch(prefix -> startsWith(argv, prefix)));
            }
            if (rule.changedLines() != null) {
                return changedLines() >= rule.changedLines();
            }
            if (rule.files() != null) {
                return paths().size() >= rule.files();
            }
            return false;
        }

        private List<String> paths() {
            return paths;
        }

        /** The patch's commands and the command gates that would run: the domain's required ones, then its own or the defaults. */
        private List<List<String>> commands() {
            if (commands == null) {
                var all = new ArrayList<List<String>>(patch.commands());
                var gates = new ArrayList<>(policy.gates().required());
                gates.addAll(patch.gates().isEmpty() ? policy.gates().defaults() : patch.gates());
                gates.stream().filter(Gate::isCommand).map(Gate::run).forEach(all::add);
                commands = all;
            }
            return commands;
        }

        private long changedLines() {
            if (changedLines == null) {
                byte[] diff = patch.diff() == null ? null : patch.diff().bytes();
                changedLines = ChangedLines.of(diff, patch.files());
            }
            return changedLines;
        }

        private static boolean matches(String path, List<String> globs) {
            try {
                return path != null && Globs.matchesAny(path, globs);
            } catch (InvalidPathException e) {
                // A name no file system takes (a NUL byte, say): the verdict refuses the patch for it anyway.
                return false;
            }
        }

        private static boolean startsWith(List<String> argv, List<String> prefix) {
            return argv != null && argv.size() >= prefix.size() && argv.subList(0, prefix.size()).equals(prefix);
        }
    }
}
