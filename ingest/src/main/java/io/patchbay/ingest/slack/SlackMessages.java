package io.patchbay.ingest.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.policy.RiskAssessment;
import io.patchbay.contracts.work.GateResult;
import java.util.List;
import java.util.stream.Collectors;

/** What patchbay says in a patch's thread, in Slack's mrkdwn; one place so the wording stays consistent. */
final class SlackMessages {

    static final String APPROVE = "patchbay_approve";
    static final String REJECT = "patchbay_reject";
    /** Slack cuts message text at 40,000 characters; summaries are kept well below. */
    static final int MAX_SUMMARY_CHARS = 2_500;

    /** What an Approve/Reject button carries. */
    record ApprovalRef(String domain, String patchId) {
        String value() {
            return Json.canonical(this);
        }

        static ApprovalRef of(String value) {
            try {
                return Json.mapper().readValue(value, ApprovalRef.class);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not a patchbay button value: " + value, e);
            }
        }
    }

    /** A reply: text, and blocks when it needs more than text. */
    record Reply(String text, List<LayoutBlock> blocks) {
        static Reply text(String text) {
            return new Reply(text, null);
        }
    }

    private SlackMessages() {}

    static String received(String patchId, String domain, String title, boolean again) {
        return ":inbox_tray: Received patch `" + esc(patchId) + "` for *" + esc(domain) + "*"
                + (title == null ? "" : ": " + esc(title)) + "."
                + (again ? " It was submitted before, so it runs once; its updates go to the first thread." : "")
                + "\nStatus: `/v1/patches/" + esc(patchId) + "`";
    }

    static String commandRoot(String user, String domain) {
        return "<@" + user + "> submitted a patch to *" + esc(domain) + "* with `/patch`.";
    }

    static String notAPatch(List<String> problems) {
        return ":warning: This is not a patch I can read, so nothing was submitted:\n"
                + problems.stream().map(p -> "• " + esc(p)).collect(Collectors.joining("\n"));
    }

    static String noDomain() {
        return ":warning: Which domain is this for? Name it in the patch (`domain: main`), in the message "
                + "(`domain: main`), or as `/patch main …`. Nothing was submitted.";
    }

    static String unknownDomain(String domain) {
        return ":no_entry: *" + esc(domain) + "* is not a domain of the execution contract. Nothing was submitted.";
    }

    static String notOpen(String domain) {
        return ":no_entry: Domain *" + esc(domain) + "* does not take patches from Slack: the execution contract lists no "
                + "Slack user or channel under its `submitters`. Nothing was submitted.";
    }

    static String notAllowed(String user, String domain) {
        return ":no_entry: <@" + user + ">, you may not submit patches to *" + esc(domain) + "* from here. Ask an operator "
                + "to add you to `submitters.slackUsers` (or this channel to `submitters.slackChannels`) of *" + esc(domain)
                + "* in the execution contract. Nothing was submitted.";
    }

    static String notTaken(String detail) {
        return ":x: patchbay could not take the patch just now (" + esc(detail) + "). Nothing was submitted; please post it again.";
    }

    /** The reply to an event of a patch's life, or null when the event is not worth a message. */
    static Reply forEvent(EventBody body, ApprovalRef ref) {
        if (body instanceof EventBody.Accepted a) {
            return Reply.text(":white_check_mark: Allowed by the execution contract (version " + esc(a.contractVersion()) + ")"
                    + (a.risk() == null ? "" : "; risk " + esc(RiskAssessment.explain(a.risk(), a.riskRule()))) + ".");
        }
        if (body instanceof EventBody.Rejected r) {
            return Reply.text(":no_entry: Rejected by the execution contract (version " + esc(r.contractVersion()) + "):\n"
                    + r.violations().stream().map(SlackMessages::violation).collect(Collectors.joining("\n")));
        }
        if (body instanceof EventBody.AwaitingApproval w) {
            return awaitingApproval(w, ref);
        }
        if (body instanceof EventBody.Approved a) {
            return Reply.text(":ballot_box_with_check: Approved by " + who(a.by()) + ".");
        }
        if (body instanceof EventBody.Started s) {
            return Reply.text(":arrow_forward: Started" + (s.attempt() > 1 ? " (attempt " + s.attempt() + ")" : "")
                    + (s.baseCommit() == null ? "" : " on `" + shortCommit(s.baseCommit()) + "`") + ".");
        }
        if (body instanceof EventBody.RetryScheduled r) {
            return Reply.text(":repeat: " + esc(r.reason()) + " Trying again (attempt " + r.nextAttempt() + ").");
        }
        if (body instanceof EventBody.Succeeded s) {
            return Reply.text(":tada: Succeeded in " + seconds(s.durationMs()) + ": commit `" + shortCommit(s.commitId())
                    + "`, " + s.changedFiles().size() + " file(s) changed" + gates(s.gates()) + "." + summary(s.summary()));
        }
        if (body instanceof EventBody.Failed f) {
            return Reply.text(":x: Failed (" + f.failureClass().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + "): " + esc(f.reason()) + gates(f.gates()) + "." + summary(f.summary()));
        }
        if (body instanceof EventBody.Quarantined q) {
            return Reply.text(":rotating_light: Quarantined after " + q.attempts() + " attempt(s): " + esc(q.reason())
                    + ". An operator can release or discard it.");
        }
        if (body instanceof EventBody.Released r) {
            return Reply.text(":arrows_counterclockwise: Released from quarantine by " + who(r.by()) + "; it runs again.");
        }
        if (body instanceof EventBody.Discarded d) {
            return Reply.text(":wastebasket: Discarded by " + who(d.by()) + ".");
        }
        if (body instanceof EventBody.Cancelled c) {
            return Reply.text(":no_entry_sign: Cancelled by " + who(c.by()) + (c.reason() == null ? "" : ": " + esc(c.reason())) + ".");
        }
        if (body instanceof EventBody.RejectedByApprover r) {
            return Reply.text(":no_entry: Rejected by " + who(r.by()) + (r.reason() == null ? "" : ": " + esc(r.reason())) + ".");
        }
        if (body instanceof EventBody.HeldForWindow h) {
            return Reply.text(":clock3: Waiting for its change window: " + esc(h.reason()) + ".");
        }
        if (body instanceof EventBody.CancelRequested c) {
            return Reply.text(":octagonal_sign: " + who(c.by()) + " asked to stop it; the worker rolls it back.");
        }
        if (body instanceof EventBody.CommandRefused c) {
            return Reply.text(":information_source: " + esc(c.command()) + " by " + who(c.by()) + " was refused: "
                    + esc(c.reason()) + ".");
        }
        return null;
    }

    static Reply awaitingApproval(EventBody.AwaitingApproval w, ApprovalRef ref) {
        String text = ":hourglass_flowing_sand: Waiting for approval: " + esc(w.reason()) + " ("
                + w.approvalsNeeded() + " approval" + (w.approvalsNeeded() == 1 ? "" : "s") + " needed).";
        List<LayoutBlock> blocks = List.of(
                section(s -> s.text(markdownText(text))),
                actions(a -> a.blockId("patchbay_approval").elements(List.of(
                        button(b -> b.actionId(APPROVE).text(plainText("Approve")).style("primary").value(ref.value())),
                        button(b -> b.actionId(REJECT).text(plainText("Reject")).style("danger").value(ref.value()))))));
        return new Reply(text, blocks);
    }

    /** The approval message once it no longer takes clicks. */
    static Reply approvalClosed(String outcome) {
        String text = ":hourglass_flowing_sand: Approval: " + outcome;
        return new Reply(text, List.of(section(s -> s.text(markdownText(text)))));
    }

    static String notApprover(String user, String domain) {
        return "<@" + user + ">, only the approvers of *" + esc(domain) + "* (its `risk.approvers` in the execution contract)"
                + " may approve or reject its patches.";
    }

    static String ownPatch(String user) {
        return "<@" + user + ">, you submitted this patch; someone else must approve it (four-eyes rule).";
    }

    static String decisionRecorded(boolean approve) {
        return approve ? "Your approval is recorded." : "Your rejection is recorded.";
    }

    private static String violation(Violation v) {
        return "• " + (v.subject() == null ? "" : "`" + esc(v.subject()) + "`: ") + esc(v.message());
    }

    private static String gates(List<GateResult> gates) {
        if (gates == null || gates.isEmpty()) {
            return "";
        }
        return "; gates: " + gates.stream().map(g -> (g.passed() ? ":white_check_mark: " : ":x: ") + esc(g.name()))
                .collect(Collectors.joining(", "));
    }

    private static String summary(String summary) {
        if (summary == null || summary.isBlank()) {
            return "";
        }
        String s = summary.length() > MAX_SUMMARY_CHARS ? summary.substring(0, MAX_SUMMARY_CHARS) + "\n…" : summary;
        return "\n```" + esc(s.replace("```", "'''")) + "```";
    }

    static String who(Submitter by) {
        if (by == null) {
            return "someone";
        }
        return "slack".equals(by.channel()) ? "<@" + by.id() + ">" : esc(by.toString());
    }

    private static String shortCommit(String commit) {
        return commit == null ? "?" : commit.substring(0, Math.min(10, commit.length()));
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** Slack's mrkdwn needs only these three escaped. */
    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
