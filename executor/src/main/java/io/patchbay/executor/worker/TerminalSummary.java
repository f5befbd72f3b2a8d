package io.patchbay.executor.worker;

import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The summary of a patch whose outcome no worker wrote one for: rejected by the contract or by an
 * approver, cancelled while it was not running, quarantined, discarded. It is rendered from the
 * patch's view, which is the fold of its events (the Rejected event carries every violation, the
 * others who and why), in the format of a run's {@link Summary}, so that every terminal patch reads
 * alike whether a worker ran it or not. Nothing is stored: the log stays the only source, and every
 * instance that has the view answers. Where an attempt ran, its summary follows under "Last attempt".
 */
public final class TerminalSummary {

    private static final Pattern FENCE = Pattern.compile("^`{3,}$");

    private TerminalSummary() {}

    /**
     * Whether the patch's outcome has a summary a worker wrote ({@link PatchView#summaryPath()} is
     * then that file): it succeeded, failed, or was stopped while running.
     */
    public static boolean writtenByWorker(PatchView view) {
        return view.summaryPath() != null && switch (view.status()) {
            case SUCCEEDED, FAILED, CANCELLED -> true;
            default -> false;
        };
    }

    /**
     * Whether {@link #render} makes this patch's summary: it was rejected, cancelled while not
     * running, quarantined or discarded. A patch that succeeded or failed has the summary its run wrote.
     */
    public static boolean rendersFor(PatchView view) {
        return view.status() != null && switch (view.status()) {
            case REJECTED, QUARANTINED, DISCARDED -> true;
            case CANCELLED -> !writtenByWorker(view);
            default -> false;
        };
    }

    /** How many attempts of the patch were dispatched to a worker. */
    public static int attempts(PatchView view) {
        return (int) view.timeline().stream().filter(e -> "Dispatched".equals(e.type())).count();
    }

    /**
     * The summary of a patch {@link #rendersFor} covers.
     *
     * @param lastAttempt the summary its last attempt's run wrote, or null when none ran or it cannot be read here
     */
    public static String render(PatchView view, String lastAttempt) {
        if (!rendersFor(view)) {
            throw new IllegalArgumentException("patch " + view.id() + " is " + view.status().label()
                    + " and has no summary to render from its events");
        }
        int attempts = attempts(view);
        boolean ran = attempts > 0;
        String title = view.title() == null || view.title().isBlank() ? "Patch " + view.id() : view.title();
        long ms = view.submittedAt() == null || view.updatedAt() == null ? 0
                : Math.max(0, Duration.between(view.submittedAt(), view.updatedAt()).toMillis());
        // The gates of an attempt that ran are in its own summary below; "none ran" would be untrue here.
        var summary = new Summary(title, view.id(), view.domain(), attempts, outcome(view), null, null, List.of(),
                List.of(), ran ? null : List.of(), ms, why(view), null);
        String md = summary.markdown();
        if (lastAttempt == null || lastAttempt.isBlank()) {
            return md;
        }
        return md + "## Last attempt\n\nAttempt " + attempts + " did not land; the summary of its run:\n\n"
                + demoted(lastAttempt);
    }

    private static String outcome(PatchView view) {
        return switch (view.status()) {
            case REJECTED -> view.violations() != null ? "Rejected" : "Rejected by an approver";
            case CANCELLED -> "Cancelled";
            case QUARANTINED -> "Quarantined";
            case DISCARDED -> "Discarded";
            default -> view.status().label();
        };
    }

    private static String why(PatchView view) {
        return switch (view.status()) {
            case REJECTED -> view.violations() != null ? violations(view.violations())
                    : sentence(entry(view, "RejectedByApprover"), view.reason()) + " Nothing of it ran.";
            case CANCELLED -> sentence(entry(view, "Cancelled"), view.reason())
                    + " Nothing of it is in the working tree.";
            case QUARANTINED -> sentence(entry(view, "Quarantined"), view.reason())
                    + " Nothing of it is in the working tree. It waits for an operator to release it (it then runs"
                    + " again) or to discard it.";
            case DISCARDED -> sentence(entry(view, "Discarded"), null)
                    + (view.reason() == null ? "" : " It had been quarantined: " + Summary.oneLine(view.reason()) + ".")
                    + " Nothing of it is in the working tree, and it does not run again.";
            default -> Summary.oneLine(view.reason());
        };
    }

    private static String violations(List<Violation> violations) {
        if (violations.isEmpty()) {
            return "The contract refused this patch without naming a reason. Nothing of it ran.";
        }
        var out = new StringBuilder("The contract refused this patch, so nothing of it ran. ")
                .append(violations.size() == 1 ? "Its reason, with its code:" : "Its " + violations.size()
                        + " reasons, each with its code:").append("\n\n");
        for (Violation v : violations) {
            out.append("- `").append(Summary.oneLine(v.code())).append('`');
            if (v.subject() != null && !v.subject().isBlank()) {
                out.append(" (`").append(Summary.oneLine(v.subject()).replace("`", "'")).append("`)");
            }
            out.append(": ").append(v.message() == null ? "no sentence given" : Summary.oneLine(v.message()))
                    .append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** The timeline's line for the terminal event as a sentence; {@code fallback} when the timeline lacks it. */
    private static String sentence(TimelineEntry entry, String fallback) {
        String text = entry != null && entry.detail() != null ? entry.detail() : fallback;
        if (text == null || text.isBlank()) {
            return "No reason was given.";
        }
        String s = Summary.oneLine(text);
        s = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }

    private static TimelineEntry entry(PatchView view, String type) {
        List<TimelineEntry> t = view.timeline();
        for (int i = t.size() - 1; i >= 0; i--) {
            if (type.equals(t.get(i).type())) {
                return t.get(i);
            }
        }
        return null;
    }

    /** The attempt's summary with its headings two levels down, so it sits under "Last attempt"; fenced output untouched. */
    static String demoted(String markdown) {
        var out = new StringBuilder();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            if (fence == null && FENCE.matcher(line).matches()) {
                fence = line;
            } else if (fence != null && line.equals(fence)) {
                fence = null;
            } else if (fence == null && line.startsWith("#")) {
                line = "##" + line;
            }
            out.append(line).append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }
}
