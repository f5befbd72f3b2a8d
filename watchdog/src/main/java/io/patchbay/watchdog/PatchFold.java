package io.patchbay.watchdog;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.policy.RiskAssessment;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.util.List;
import java.util.stream.Collectors;

/** Folds one event into a patch's view. Pure: the processor does the store reads and writes. */
final class PatchFold {

    private PatchFold() {}

    /**
     * The view after {@code event}, or null when the event makes no patch view: an operator command
     * refused for a patch the log never mentioned.
     */
    static PatchView apply(PatchView current, Event event) {
        EventBody body = event.body();
        if (current == null && body instanceof EventBody.CommandRefused) {
            return null;
        }
        PatchStatus from = current == null ? null : current.status();
        PatchStatus status = PatchStatus.after(body, from);

        // A view may start at an event other than Submitted when the log's beginning was deleted by retention.
        String domain = current == null ? event.domain() : current.domain();
        String title = current == null ? null : current.title();
        String submitter = current == null ? null : current.submitter();
        var submittedAt = current == null ? null : current.submittedAt();
        String commitId = current == null ? null : current.commitId();
        String summaryPath = current == null ? null : current.summaryPath();
        String reason = current == null ? null : current.reason();
        List<TimelineEntry> timeline = current == null ? List.of() : current.timeline();
        Risk risk = current == null ? null : current.risk();
        String riskRule = current == null ? null : current.riskRule();
        List<Violation> violations = current == null ? null : current.violations();

        if (body instanceof EventBody.Submitted s) {
            title = s.patch() == null ? null : s.patch().title();
            submitter = s.submitter() == null ? null : s.submitter().toString();
            submittedAt = event.at();
            reason = null;
            violations = null;
        } else if (body instanceof EventBody.Accepted a) {
            risk = a.risk();
            riskRule = a.riskRule();
        } else if (body instanceof EventBody.Rejected r) {
            reason = violations(r);
            violations = r.violations() == null ? List.of() : r.violations();
        } else if (body instanceof EventBody.Succeeded s) {
            commitId = s.commitId();
            summaryPath = s.summaryPath();
            // An earlier attempt's failure no longer describes a patch that landed.
            reason = null;
        } else if (body instanceof EventBody.Failed f) {
            summaryPath = f.summaryPath();
            reason = failureReason(f);
        } else if (body instanceof EventBody.Quarantined q) {
            reason = q.reason();
        } else if (body instanceof EventBody.Cancelled c) {
            reason = c.reason();
            // The summary of the outcome: the worker's when it stopped a run, none when the patch was not running.
            summaryPath = c.summaryPath();
        } else if (body instanceof EventBody.RejectedByApprover r) {
            reason = r.reason() == null ? "rejected by " + r.by() : r.reason();
        } else if (body instanceof EventBody.HeldForWindow h) {
            reason = h.reason();
        } else if (body instanceof EventBody.Dispatched && from == PatchStatus.HELD_FOR_WINDOW) {
            // The window opened: the hold no longer explains anything about the patch.
            reason = null;
        }

        // Dispatched behind another patch, it waits at the worker until its Started (or until it is recalled).
        String waitingBehind = body instanceof EventBody.Dispatched d ? d.after()
                : status == from && current != null ? current.waitingBehind() : null;
        var view = new PatchView(event.patchId(), domain, title, status, submitter, submittedAt, event.at(), commitId,
                summaryPath, reason, timeline, risk, riskRule, violations, waitingBehind);
        return view.append(new TimelineEntry(event.seq(), event.type(), event.at(), detail(body)));
    }

    /** A short line for the timeline, written for the person reading the patch's history. */
    static String detail(EventBody body) {
        if (body instanceof EventBody.Submitted s) {
            String title = s.patch() == null || s.patch().title() == null ? "untitled" : "\"" + s.patch().title() + "\"";
            return "submitted " + title + (s.submitter() == null ? "" : " by " + s.submitter());
        }
        if (body instanceof EventBody.Accepted a) {
            return "allowed by contract " + a.contractVersion()
                    + (a.risk() == null ? "" : "; risk " + RiskAssessment.explain(a.risk(), a.riskRule()));
        }
        if (body instanceof EventBody.Rejected r) {
            return "rejected by contract " + r.contractVersion() + ": " + violations(r);
        }
        if (body instanceof EventBody.AwaitingApproval a) {
            return "awaiting " + a.approvalsNeeded() + (a.approvalsNeeded() == 1 ? " approval" : " approvals")
                    + (a.reason() == null ? "" : ": " + a.reason());
        }
        if (body instanceof EventBody.Approved a) {
            return "approved by " + a.by();
        }
        if (body instanceof EventBody.Queued q) {
            return "queued at position " + q.position();
        }
        if (body instanceof EventBody.Dispatched d) {
            return "dispatched, attempt " + d.attempt() + (d.after() == null ? "" : ", to run after " + d.after());
        }
        if (body instanceof EventBody.Started s) {
            return "attempt " + s.attempt() + " started" + (s.worker() == null ? "" : " on " + s.worker())
                    + (s.baseCommit() == null ? "" : " at " + shortCommit(s.baseCommit()));
        }
        if (body instanceof EventBody.GateFinished g) {
            if (g.gate() == null) {
                return "gate finished";
            }
            return "gate " + g.gate().name() + (g.gate().passed() ? " passed" : " failed (exit " + g.gate().exitCode() + ")")
                    + " in " + g.gate().durationMs() + " ms";
        }
        if (body instanceof EventBody.Succeeded s) {
            int files = s.changedFiles() == null ? 0 : s.changedFiles().size();
            return "committed " + shortCommit(s.commitId()) + ", " + files + (files == 1 ? " file" : " files") + " changed in "
                    + s.durationMs() + " ms";
        }
        if (body instanceof EventBody.Failed f) {
            return "attempt " + f.attempt() + " failed: " + failureReason(f);
        }
        if (body instanceof EventBody.RetryScheduled r) {
            return "attempt " + r.nextAttempt() + " scheduled" + (r.notBefore() == null ? "" : " for " + r.notBefore())
                    + (r.reason() == null ? "" : ": " + r.reason());
        }
        if (body instanceof EventBody.Quarantined q) {
            return "quarantined after " + q.attempts() + (q.attempts() == 1 ? " attempt" : " attempts")
                    + (q.reason() == null ? "" : ": " + q.reason());
        }
        if (body instanceof EventBody.Released r) {
            return "released from quarantine by " + r.by();
        }
        if (body instanceof EventBody.Discarded d) {
            return "discarded by " + d.by();
        }
        if (body instanceof EventBody.Cancelled c) {
            return "cancelled by " + c.by() + (c.reason() == null ? "" : ": " + c.reason());
        }
        if (body instanceof EventBody.HeldForWindow h) {
            return "waiting for its change window" + (h.until() == null ? ", which does not open" : " until " + h.until());
        }
        if (body instanceof EventBody.RejectedByApprover r) {
            return "rejected by " + r.by() + (r.reason() == null ? "" : ": " + r.reason());
        }
        if (body instanceof EventBody.CancelRequested c) {
            return "cancel of attempt " + c.attempt() + " requested by " + c.by() + (c.reason() == null ? "" : ": " + c.reason());
        }
        if (body instanceof EventBody.CommandRefused c) {
            return c.command() + " by " + c.by() + " refused" + (c.reason() == null ? "" : ": " + c.reason());
        }
        return body.getClass().getSimpleName();
    }

    private static String violations(EventBody.Rejected r) {
        if (r.violations() == null || r.violations().isEmpty()) {
            return "no reason given";
        }
        return r.violations().stream().map(PatchFold::violation).collect(Collectors.joining("; "));
    }

    private static String violation(Violation v) {
        return v.message() != null ? v.message() : v.code() + (v.subject() == null ? "" : " " + v.subject());
    }

    private static String failureReason(EventBody.Failed f) {
        String cls = f.failureClass() == null ? "failed" : f.failureClass().name();
        return f.reason() == null ? cls : cls + ": " + f.reason();
    }

    private static String shortCommit(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(12, commit.length()));
    }
}
