package io.patchbay.contracts.policy;

import io.patchbay.contracts.work.GateResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * The self-evaluation rubric ({@code contracts/sot/self-evaluation-rubric.yml}): weighted criteria
 * a finished patch is scored by. {@link #score} is a pure function of the rubric and the outcome,
 * so a replay scores the same.
 */
public record Rubric(String version, String hash, Double passScore, List<Criterion> criteria) {

    public Rubric {
        passScore = passScore == null ? 0.75 : passScore;
        criteria = criteria == null ? List.of() : List.copyOf(criteria);
    }

    /** One criterion; {@code kind} says what it checks, the other fields tune the kinds that need them. */
    public record Criterion(String id, String kind, Integer weight, String description, List<String> code,
            List<String> docs, Integer maxFiles, Integer maxLines) {

        public Criterion {
            weight = weight == null ? 1 : weight;
            code = code == null ? List.of() : List.copyOf(code);
            docs = docs == null ? List.of() : List.copyOf(docs);
            maxFiles = maxFiles == null ? 20 : maxFiles;
            maxLines = maxLines == null ? 400 : maxLines;
        }
    }

    /** A file the commit changed, with its line counts. */
    public record Change(String path, int added, int removed) {}

    /**
     * What a finished patch did: the paths it declared (its diff headers and file changes), what its
     * commit changed, its gates, how long it ran against the domain's SLA run time, and which
     * attempt it was.
     */
    public record Outcome(boolean succeeded, List<String> declaredPaths, List<Change> changes, List<GateResult> gates,
            Duration duration, Duration slaRunTime, int attempt) {

        public Outcome {
            declaredPaths = declaredPaths == null ? List.of() : List.copyOf(declaredPaths);
            changes = changes == null ? List.of() : List.copyOf(changes);
            gates = gates == null ? List.of() : List.copyOf(gates);
        }
    }

    /** How one criterion went: points earned of its weight, and a sentence for the summary. */
    public record Reason(String criterion, boolean met, int points, int weight, String sentence) {}

    /** The score from 0 to 1, whether it reaches the pass score, and the reason for each criterion. */
    public record Score(double score, boolean passed, int earned, int possible, List<Reason> reasons) {

        public Score {
            reasons = List.copyOf(reasons);
        }

        /** {@code 0.82 (9/11)}, for one line of a summary. */
        public String headline() {
            return String.format(Locale.ROOT, "%.2f (%d/%d)", score, earned, possible);
        }
    }

    public Score score(Outcome outcome) {
        var reasons = new ArrayList<Reason>();
        int earned = 0;
        int possible = 0;
        for (Criterion c : criteria) {
            Judgement j = judge(c, outcome);
            int points = j.met ? c.weight() : 0;
            earned += points;
            possible += c.weight();
            reasons.add(new Reason(c.id(), j.met, points, c.weight(), j.sentence));
        }
        double score = possible == 0 ? 1.0 : (double) earned / possible;
        return new Score(score, score >= passScore, earned, possible, reasons);
    }

    private record Judgement(boolean met, String sentence) {}

    private static Judgement judge(Criterion c, Outcome o) {
        return switch (c.kind()) {
            case "gatesPassed" -> gatesPassed(o);
            case "scopeRespected" -> scopeRespected(o);
            case "docsWithCode" -> docsWithCode(c, o);
            case "withinSla" -> withinSla(o);
            case "firstAttempt" -> o.attempt() <= 1
                    ? new Judgement(true, "It succeeded at the first attempt.")
                    : new Judgement(false, "It took " + o.attempt() + " attempts.");
            case "smallChange" -> smallChange(c, o);
            default -> new Judgement(false, "The rubric's kind '" + c.kind() + "' is unknown to this patchbay.");
        };
    }

    private static Judgement gatesPassed(Outcome o) {
        if (o.gates().isEmpty()) {
            return new Judgement(false, "No gate ran, so nothing showed that the change works.");
        }
        List<String> failed = o.gates().stream().filter(g -> !g.passed()).map(GateResult::name).toList();
        if (failed.isEmpty()) {
            return new Judgement(true, "All " + o.gates().size() + " gate(s) passed.");
        }
        return new Judgement(false, "Gate(s) " + String.join(", ", failed) + " did not pass.");
    }

    private static Judgement scopeRespected(Outcome o) {
        var declared = new HashSet<>(o.declaredPaths());
        List<String> stray = o.changes().stream().map(Change::path).filter(p -> !declared.contains(p)).toList();
        if (stray.isEmpty()) {
            return new Judgement(true, "Only the declared files changed.");
        }
        return new Judgement(false, stray.size() + " file(s) changed that the patch did not declare: "
                + String.join(", ", stray.subList(0, Math.min(3, stray.size()))) + (stray.size() > 3 ? ", ..." : "")
                + ".");
    }

    private static Judgement docsWithCode(Criterion c, Outcome o) {
        boolean code = o.changes().stream().anyMatch(ch -> Globs.matchesAny(ch.path(), c.code()));
        boolean docs = o.changes().stream().anyMatch(ch -> Globs.matchesAny(ch.path(), c.docs()));
        if (!code) {
            return new Judgement(true, "No code changed, so no documentation was owed.");
        }
        return docs ? new Judgement(true, "Code and its documentation changed together.")
                : new Judgement(false, "Code changed but no documentation did.");
    }

    private static Judgement withinSla(Outcome o) {
        if (o.duration() == null || o.slaRunTime() == null) {
            return new Judgement(false, "The run time is not known.");
        }
        String took = o.duration().toMillis() + " ms";
        return o.duration().compareTo(o.slaRunTime()) <= 0
                ? new Judgement(true, "It ran in " + took + ", within the SLA of " + o.slaRunTime().toSeconds() + " s.")
                : new Judgement(false, "It ran in " + took + ", over the SLA of " + o.slaRunTime().toSeconds() + " s.");
    }

    private static Judgement smallChange(Criterion c, Outcome o) {
        int files = o.changes().size();
        int lines = o.changes().stream().mapToInt(ch -> ch.added() + ch.removed()).sum();
        String size = files + " file(s), " + lines + " line(s)";
        return files <= c.maxFiles() && lines <= c.maxLines()
                ? new Judgement(true, "A small change: " + size + ".")
                : new Judgement(false, "A large change: " + size + " (at most " + c.maxFiles() + " files and "
                        + c.maxLines() + " lines read well).");
    }

    public Rubric withHash(String newHash) {
        return new Rubric(version, newHash, passScore, criteria);
    }
}
