package io.patchbay.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The measures beyond one-at-a-time and the spool, in an order that keeps them from disturbing each
 * other on the shared broker: the bursts run while no command waits; the views are rebuilt after the
 * last executor has stopped; the inbox flood, whose commands nobody executes, comes last. A measure
 * that fails puts its reason in the table and the others still run.
 */
final class Measures {

    private Measures() {}

    static List<Figure> run(String bootstrap, Path dir, Map<String, Integer> opts) {
        List<Figure> figures = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            figures.addAll(Burst.run(bootstrap, dir.resolve("burst"), opts.get("--burst")).figures());
        } catch (Exception e) {
            figures.add(Figure.failed("P2b", "bursts of " + opts.get("--burst") + " patches", e));
        }
        try {
            figures.addAll(SlackAck.run(bootstrap, dir.resolve("slack-home"), opts.get("--slack-events")).figures());
        } catch (Exception e) {
            figures.add(Figure.failed("P5", "Slack acknowledgement", e));
        }
        try {
            EventFlood flood = new EventFlood(bootstrap, 3);
            int health = opts.get("--health-requests");
            LogRebuild.Result small = LogRebuild.run(bootstrap, dir.resolve("views-small"), flood, 10_000, health);
            figures.add(small.healthFigure());
            LogRebuild.Result large = LogRebuild.run(bootstrap, dir.resolve("views-large"), flood,
                    opts.get("--events"), health);
            figures.add(large.rebuild());
            figures.add(large.healthFigure());
        } catch (Exception e) {
            figures.add(Figure.failed("P3", "views rebuilt from " + opts.get("--events") + " events", e));
        }
        try {
            figures.addAll(InboxLoad.run(bootstrap, dir.resolve("inbox-home"), opts.get("--inbox-requests"))
                    .figures());
        } catch (Exception e) {
            figures.add(Figure.failed("P1", "inbox under " + InboxLoad.CLIENTS + " clients", e));
        }
        System.err.printf("the measures beyond one at a time took %.0f s%n", (System.nanoTime() - t0) / 1e9);
        return figures;
    }

    static String caption(boolean quick) {
        return (quick ? "Figures of `bench/run --quick` (small counts, a smoke check)" : "Figures of `bench/run`")
                + " on " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", one embedded broker. Each line's floor ran in the same run;"
                + " the last column is patchbay's time (or the floor's rate) over the floor's.\n\n";
    }
}
