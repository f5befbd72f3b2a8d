package io.patchbay.executor.worker;

import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkResult;
import java.util.List;

/**
 * A terminal result cut down to what the decider needs, for when Kafka refuses the whole one as too
 * large (a patch with thousands of gates, each keeping its output tail). The outcome, the commit and
 * the gates' names and exit codes stay; the summary text and output tails are left out, since the
 * summary file under {@code var/summaries} keeps them. Sending this instead of stopping the worker
 * keeps one patch from stopping every domain, and it cannot contradict git: the outcome is the same.
 */
final class ResultSlimmer {

    /** Paths beyond this many are left out of a slimmed result; the summary file lists them all. */
    static final int MAX_PATHS = 1_000;
    private static final int MAX_TEXT = 4_096;

    private ResultSlimmer() {}

    /** The slim form of {@code r}, or {@code r} itself when it has nothing to leave out. */
    static WorkResult slim(WorkResult r) {
        if (r instanceof WorkResult.Succeeded s) {
            return new WorkResult.Succeeded(s.domain(), s.patchId(), s.attempt(), s.at(), s.commitId(),
                    capped(s.changedFiles()), bare(s.gates()), s.summaryPath(), pointer(s.summaryPath()),
                    s.durationMs(), s.alreadyApplied(), s.score());
        }
        if (r instanceof WorkResult.Failed f) {
            return new WorkResult.Failed(f.domain(), f.patchId(), f.attempt(), f.at(), f.failureClass(),
                    cut(f.reason()), cut(f.detail()), bare(f.gates()), f.summaryPath(), pointer(f.summaryPath()),
                    f.durationMs(), f.score());
        }
        if (r instanceof WorkResult.Cancelled c) {
            return new WorkResult.Cancelled(c.domain(), c.patchId(), c.attempt(), c.at(), cut(c.reason()),
                    bare(c.gates()), c.summaryPath(), pointer(c.summaryPath()), c.durationMs());
        }
        return r;
    }

    private static List<GateResult> bare(List<GateResult> gates) {
        if (gates == null) {
            return List.of();
        }
        return gates.stream().map(g -> new GateResult(g.name(), g.passed(), g.exitCode(), g.durationMs(), ""))
                .limit(MAX_PATHS).toList();
    }

    private static List<String> capped(List<String> paths) {
        return paths == null ? List.of() : paths.stream().limit(MAX_PATHS).toList();
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + " [cut]";
    }

    private static String pointer(String summaryPath) {
        return "The full result was too large for one record; its summary is " + summaryPath + ".";
    }
}
