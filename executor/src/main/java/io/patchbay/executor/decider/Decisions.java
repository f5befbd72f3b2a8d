package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Verdict;
import io.patchbay.contracts.policy.Verdicts;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.SandboxRequirement;
import io.patchbay.executor.sandbox.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The decider's state machine: what a command, a worker's result or the passing of time means for
 * a domain. Pure logic over a {@link Transition}; it reads no file and starts no process, so a
 * replay of the inputs gives the same events. Decisions only emit events (and work orders): what
 * an event does to the domain and the patch is {@link Evolve}'s, applied as it is emitted, so the
 * stores are the fold of the chain. Approvals, change windows and cancels have their own classes;
 * this one routes the inputs and owns the queue, dispatch, retries and quarantine.
 */
final class Decisions {

    private static final Logger log = LoggerFactory.getLogger(Decisions.class);
    private static final DomainPolicy.Retry DEFAULT_RETRY = new DomainPolicy.Retry(null, null);
    private static final DomainPolicy.Quarantine DEFAULT_QUARANTINE = new DomainPolicy.Quarantine(null, null);

    /** Who discards a quarantined patch that nobody acted on within the contract's {@code discardAfter}. */
    static final Submitter DISCARD_AFTER = new Submitter("patchbay", "quarantine.discardAfter");

    /** The violation code of a submission patchbay could not judge or carry; the fault is patchbay's, not the contract's. */
    static final String INTERNAL_ERROR = "INTERNAL_ERROR";

    private final Supplier<ExecutionContract> contract;
    private final WorkspaceDecisions workspaces;
    private final Approvals approvals;
    private final Cancels cancels;
    private final SandboxStatus sandbox;
    private final int window;

    /**
     * @param window how many run orders of one domain may be out at once: the one that holds the
     *     domain and those dispatched behind it (1: one at a time, each order sent when the one
     *     before it ended)
     */
    Decisions(Supplier<ExecutionContract> contract, SandboxStatus sandbox, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the dispatch window must be at least 1, was " + window);
        }
        this.contract = contract;
        this.sandbox = sandbox;
        this.window = window;
        this.workspaces = new WorkspaceDecisions(contract);
        this.approvals = new Approvals(this);
        this.cancels = new Cancels(this);
    }

    /** The domain's policy in the contract in force now; empty when the contract no longer has the domain. */
    Optional<DomainPolicy> policy(String domain) {
        return contract.get().domain(domain);
    }

    /** Who is who under the contract in force now. */
    io.patchbay.contracts.policy.Identities people() {
        return contract.get().people();
    }

    // ---- commands ---------------------------------------------------------------------------

    void onCommand(Transition tx, String domain, Command command) {
        if (command instanceof Command.Unfreeze u) {
            workspaces.onUnfreeze(tx, domain, u);
            return;
        }
        MDC.put("patchId", String.valueOf(command.patchId()));
        try {
            if (command instanceof Command.Submit s) {
                submit(tx, domain, s);
                return;
            }
            String id = command.patchId();
            PatchRecord p = id == null ? null : tx.patch(domain, id);
            if (p == null) {
                refuse(tx, domain, id, command, "there is no patch '" + id + "' in domain '" + domain + "'");
            } else if (command instanceof Command.Cancel c) {
                cancels.cancel(tx, p, c);
            } else if (command instanceof Command.Release r) {
                release(tx, p, r.by(), command);
            } else if (command instanceof Command.Discard d) {
                discard(tx, p, d);
            } else if (command instanceof Command.Retry r) {
                retryNow(tx, p, r);
            } else if (command instanceof Command.Approve a) {
                approvals.approve(tx, p, a);
            } else if (command instanceof Command.Reject r) {
                approvals.reject(tx, p, r);
            } else {
                // Command is sealed: a new kind must get its decision here, or it fails loudly instead of vanishing.
                throw new IllegalArgumentException("no decision handles a " + command.getClass().getSimpleName()
                        + " command");
            }
        } finally {
            MDC.remove("patchId");
        }
    }

    private void submit(Transition tx, String domain, Command.Submit s) {
        Patch patch = s.patch().withDefaultId();
        String id = patch.id();
        String contentId = patch.contentId();
        PatchRecord known = tx.patch(domain, id);
        if (known != null) {
            if (known.contentId().equals(contentId)) {
                log.info("patch {} in domain {} was submitted again with the same content; already {}", id, domain,
                        known.status().label());
            } else {
                refuse(tx, domain, id, s, "id conflict: patch '" + id + "' already exists in domain '" + domain
                        + "' with different content; submit the change under a new id");
            }
            return;
        }
        tx.event(domain, id, new EventBody.Submitted(patch, s.by()));
        Verdict verdict = Verdicts.judge(patch, s.by(), contract.get(), tx.now())
                .plus(SandboxRequirement.violations(patch, contract.get().domain(domain).orElse(null), sandbox));
        if (!verdict.allowed()) {
            tx.event(domain, id, new EventBody.Rejected(verdict.violations(), verdict.contractVersion(),
                    verdict.contractHash()));
            log.info("patch {} rejected by contract {}: {} violation(s)", id, verdict.contractVersion(),
                    verdict.violations().size());
            return;
        }
        tx.event(domain, id, new EventBody.Accepted(verdict.contractVersion(), verdict.contractHash(), verdict.risk(),
                verdict.riskRule()));
        PatchRecord record = tx.patch(domain, id);
        if (verdict.needsApproval()) {
            approvals.await(tx, record, verdict.approvalsNeeded());
            return;
        }
        enqueue(tx, record);
        dispatchNext(tx, domain);
    }

    /** The patch joins the tail of its domain's queue. */
    void enqueue(Transition tx, PatchRecord record) {
        int position = tx.domain(record.domain()).queue().size() + 1;
        tx.event(record.domain(), record.patchId(), new EventBody.Queued(position));
    }

    private void release(Transition tx, PatchRecord p, Submitter by, Command command) {
        if (p.status() != PatchStatus.QUARANTINED) {
            refuse(tx, p.domain(), p.patchId(), command, "patch '" + p.patchId() + "' is " + p.status().label()
                    + "; only a quarantined patch can be released");
            return;
        }
        tx.event(p.domain(), p.patchId(), new EventBody.Released(by));
        enqueue(tx, p);
        dispatchNext(tx, p.domain());
    }

    private void discard(Transition tx, PatchRecord p, Command.Discard c) {
        if (p.status() != PatchStatus.QUARANTINED) {
            refuse(tx, p.domain(), p.patchId(), c, "patch '" + p.patchId() + "' is " + p.status().label()
                    + "; only a quarantined patch can be discarded");
            return;
        }
        discard(tx, p, c.by());
    }

    private void discard(Transition tx, PatchRecord p, Submitter by) {
        tx.event(p.domain(), p.patchId(), new EventBody.Discarded(by));
    }

    private void retryNow(Transition tx, PatchRecord p, Command.Retry r) {
        DomainState d = tx.domain(p.domain());
        DomainState.Slot slot = d.current();
        if (slot != null && slot.patchId().equals(p.patchId()) && slot.waitingForRetry()) {
            dispatch(tx, p, slot.attempt(), null);
            dispatchNext(tx, p.domain());
        } else if (p.status() == PatchStatus.QUARANTINED) {
            release(tx, p, r.by(), r);
        } else {
            refuse(tx, p.domain(), p.patchId(), r, "patch '" + p.patchId() + "' is " + p.status().label()
                    + "; only a patch waiting for a retry or a quarantined one can be retried");
        }
    }

    void refuse(Transition tx, String domain, String patchId, Command command, String reason) {
        log.info("refusing {} of patch {} in domain {}: {}", command.getClass().getSimpleName(), patchId, domain, reason);
        tx.event(domain, patchId, new EventBody.CommandRefused(command.getClass().getSimpleName(), command.by(), reason));
    }

    /**
     * Ends a submission that could not be decided (its verdict threw, or its records would not fit):
     * Submitted, then Rejected with an {@code INTERNAL_ERROR} violation, through the same transition
     * as any verdict, so that dedup by id and the hash chain stay right and the domain goes on with
     * its next patch. With {@code carryContent} false the Submitted event keeps only what names the
     * patch, since its content is what could not be written. A patch already known is left alone:
     * it was decided before.
     */
    void rejectUndecidable(Transition tx, String domain, Command.Submit s, String reason, boolean carryContent) {
        Patch submitted = s.patch();
        String id = submitted.id() == null || submitted.id().isBlank() ? submitted.contentId() : submitted.id();
        Patch patch = carryContent ? submitted.withId(id) : new Patch(id, submitted.domain(), submitted.title(),
                submitted.risk(), submitted.author(), null, null, null, null, null);
        if (tx.patch(domain, id) != null) {
            log.warn("patch {} in domain {} could not be decided again ({}); it keeps its earlier outcome", id, domain,
                    reason);
            return;
        }
        String version = null;
        String hash = null;
        try {
            ExecutionContract c = contract.get();
            version = c.version();
            hash = c.hash();
        } catch (RuntimeException e) {
            log.warn("no contract to name in the rejection of patch {}: {}", id, e.toString());
        }
        tx.event(domain, id, new EventBody.Submitted(patch, s.by()));
        tx.event(domain, id, new EventBody.Rejected(List.of(new Violation(INTERNAL_ERROR, null, reason)), version, hash));
        log.error("patch {} in domain {} rejected: {}", id, domain, reason);
    }

    /**
     * Ends the running attempt whose terminal result could not be recorded: Failed with the reason,
     * final (it cannot be run again to a different result), and the domain dispatches its next
     * patch. A progress result (Started, GateFinished) ends nothing; it is only skipped.
     */
    void failUndecidable(Transition tx, String domain, WorkResult result, String reason) {
        boolean terminal = result instanceof WorkResult.Succeeded || result instanceof WorkResult.Failed
                || result instanceof WorkResult.Cancelled;
        DomainState d = tx.domain(domain);
        if (!terminal || d.current() == null || !d.current().runs(result.patchId(), result.attempt())) {
            return;
        }
        PatchRecord p = tx.patch(domain, result.patchId());
        if (p == null) {
            return;
        }
        String why = result instanceof WorkResult.Succeeded ok
                ? "the worker reported success (commit " + ok.commitId() + ") but patchbay could not record it: " + reason
                        + "; the commit stays in the working tree until a person looks"
                : "patchbay could not record the worker's " + result.getClass().getSimpleName() + " result: " + reason;
        tx.event(domain, p.patchId(), new EventBody.Failed(result.attempt(), FailureClass.INFRASTRUCTURE, why, null,
                List.of(), null, null, 0, null));
        log.error("patch {} attempt {} failed: {}", p.patchId(), result.attempt(), why);
        finish(tx, p, PatchStatus.FAILED);
    }

    // ---- results ----------------------------------------------------------------------------

    void onResult(Transition tx, String domain, WorkResult result) {
        MDC.put("patchId", result.patchId());
        try {
            DomainState d = tx.domain(domain);
            if (d.current() == null || !d.current().runs(result.patchId(), result.attempt())) {
                DomainState.Slot behind = d.pipelinedSlot(result.patchId());
                if (behind != null && behind.attempt() == result.attempt()) {
                    // The worker runs a window in order and reports in order: this cannot come before its turn.
                    log.warn("ignoring {} of patch {} attempt {}: it was dispatched behind {} which has not ended",
                            result.getClass().getSimpleName(), result.patchId(), result.attempt(), d.current());
                    return;
                }
                log.debug("ignoring {} of patch {} attempt {}: not the running attempt of domain {} (running: {})",
                        result.getClass().getSimpleName(), result.patchId(), result.attempt(), domain, d.current());
                return;
            }
            DomainState.Slot slot = d.current();
            PatchRecord p = tx.patch(domain, result.patchId());
            if (result instanceof WorkResult.Started s) {
                if (p.status() == PatchStatus.RUNNING) {
                    log.debug("ignoring a repeated Started of patch {} attempt {}", p.patchId(), s.attempt());
                    return;
                }
                tx.event(domain, p.patchId(), new EventBody.Started(s.attempt(), s.worker(), s.baseCommit(),
                        s.movedFrom()));
                if (s.movedFrom() != null) {
                    // The remote branch moved and the worker fast-forwarded: the tree is at the new base now.
                    workspaces.applied(tx, domain, s.baseCommit());
                }
            } else if (result instanceof WorkResult.GateFinished g) {
                tx.event(domain, p.patchId(), new EventBody.GateFinished(g.attempt(), g.gate()));
            } else if (result instanceof WorkResult.Succeeded s) {
                tx.event(domain, p.patchId(), new EventBody.Succeeded(s.attempt(), s.commitId(), s.changedFiles(),
                        s.gates(), s.summaryPath(), s.summary(), s.durationMs(), s.score(), s.remote()));
                workspaces.applied(tx, domain, s.commitId());
                cancels.tooLate(tx, p, slot, "it had already committed as " + s.commitId()
                        + " when the cancel reached the worker");
                finish(tx, p, PatchStatus.SUCCEEDED);
            } else if (result instanceof WorkResult.Failed f) {
                failed(tx, p, slot, f);
            } else if (result instanceof WorkResult.Cancelled c) {
                cancels.stopped(tx, p, slot, c);
            } else if (result instanceof WorkResult.TreeDrifted t) {
                driftedBeforeStart(tx, p, slot, t);
            } else if (result instanceof WorkResult.NotStarted n) {
                notStarted(tx, p, slot, n);
            } else {
                throw new IllegalArgumentException("no decision handles a " + result.getClass().getSimpleName()
                        + " result");
            }
        } finally {
            MDC.remove("patchId");
        }
    }

    /**
     * A failed attempt: retried when the contract retries its class and attempts are left, else
     * quarantined when the contract quarantines its class, else failed for good. A patch someone
     * asked to cancel is not tried again: nothing of it landed, so it ends as cancelled.
     */
    private void failed(Transition tx, PatchRecord p, DomainState.Slot slot, WorkResult.Failed f) {
        String domain = p.domain();
        Optional<DomainPolicy> policy = policy(domain);
        DomainPolicy.Retry retry = policy.map(DomainPolicy::retry).orElse(DEFAULT_RETRY);
        DomainPolicy.Quarantine quarantine = policy.map(DomainPolicy::quarantine).orElse(DEFAULT_QUARANTINE);
        FailureClass cls = f.failureClass();
        if (cls == null) {
            // Unusable input: the processor skips it, and a later well-formed result decides the attempt.
            throw new IllegalArgumentException("a Failed result must name its failure class");
        }
        String reason = cls + ": " + f.reason();
        int made = slot.attemptsSoFar();
        boolean retried = retry.retries(cls) && made < retry.maxAttempts();
        boolean quarantined = !retried && quarantine.quarantines(cls);
        if (slot.cancel() != null && (retried || quarantined)) {
            cancels.cancelInsteadOfRetry(tx, p, slot, f);
            return;
        }
        if (retried) {
            Duration backoff = retry.backoffBefore(made);
            DomainState.Slot next = slot.next(tx.now().plus(backoff));
            tx.event(domain, p.patchId(), new EventBody.RetryScheduled(next.attempt(), next.notBefore(), reason));
            // The orders behind it must not run before the retry does.
            recallPipelined(tx, domain);
            log.warn("patch {} attempt {} failed ({}); attempt {} ({} of {}) at {}", p.patchId(), f.attempt(), reason,
                    next.attempt(), made + 1, retry.maxAttempts(), next.notBefore());
        } else if (quarantined) {
            String why = made > 1 ? "gave up after " + made + " attempts: " + reason : reason;
            tx.event(domain, p.patchId(), new EventBody.Quarantined(why, made));
            log.warn("patch {} quarantined after {} attempt(s): {}", p.patchId(), made, reason);
            finish(tx, p, PatchStatus.QUARANTINED);
        } else {
            tx.event(domain, p.patchId(), new EventBody.Failed(f.attempt(), cls, f.reason(), f.detail(),
                    f.gates(), f.summaryPath(), f.summary(), f.durationMs(), f.score()));
            cancels.tooLate(tx, p, slot, "it had already failed (" + reason + ") when the cancel reached the worker");
            finish(tx, p, PatchStatus.FAILED);
        }
    }

    /**
     * The worker found the tree changed by someone else and did not start the attempt: the domain
     * freezes, and the patch, neither failed nor retried, goes back to the head of its queue to run
     * after the unfreeze (as a new attempt, so a late answer of this one is recognised). A patch
     * someone asked to cancel ends here instead.
     */
    private void driftedBeforeStart(Transition tx, PatchRecord p, DomainState.Slot slot, WorkResult.TreeDrifted t) {
        String domain = p.domain();
        workspaces.driftBeforeRun(tx, domain, t);
        if (slot.cancel() != null) {
            cancels.stopped(tx, p, slot, new WorkResult.Cancelled(domain, p.patchId(), t.attempt(), t.at(),
                    "stopped before it started", List.of(), null, null, 0));
            return;
        }
        requeueFirst(tx, p);
        log.info("patch {} attempt {} did not start: the working tree drifted; it waits at the head of the queue",
                p.patchId(), t.attempt());
    }

    /**
     * The worker did not start the order that holds the domain: the patch it was to follow is not
     * HEAD (the log and the tree disagree on what landed last). Nothing changed, so the patch goes
     * back to the head of its queue and is dispatched again as the first of a window, with the
     * commit the log expects, where the drift check says what is wrong.
     */
    private void notStarted(Transition tx, PatchRecord p, DomainState.Slot slot, WorkResult.NotStarted n) {
        if (slot.cancel() != null) {
            cancels.stopped(tx, p, slot, new WorkResult.Cancelled(p.domain(), p.patchId(), n.attempt(), n.at(),
                    "stopped before it started", List.of(), null, null, 0));
            return;
        }
        log.warn("patch {} attempt {} was not started by the worker: {}", p.patchId(), n.attempt(), n.reason());
        requeueFirst(tx, p);
        dispatchNext(tx, p.domain());
    }

    /** The patch holding the domain goes back to the head of the queue, ahead of the orders recalled behind it. */
    private void requeueFirst(Transition tx, PatchRecord p) {
        String domain = p.domain();
        recallPipelined(tx, domain);
        tx.event(domain, p.patchId(), new EventBody.Queued(1));
    }

    /**
     * Ends the attempt that holds the domain. On success the first order dispatched behind it holds
     * the domain now; on anything else those orders are void (the worker will not start them, since
     * the patch before them did not land) and go back to the queue, in order.
     */
    void finish(Transition tx, PatchRecord p, PatchStatus status) {
        // The terminal event has ended it already (see Evolve); what is left is the window behind it.
        if (status != PatchStatus.SUCCEEDED) {
            recallPipelined(tx, p.domain());
        }
        dispatchNext(tx, p.domain());
    }

    /**
     * Puts the orders dispatched behind the domain's current one back at the head of the queue, in
     * their order, as if never dispatched; a new dispatch makes a new attempt, so a late answer to
     * the void one is recognised and ignored. One somebody asked to cancel ends as cancelled: it
     * never started.
     */
    private void recallPipelined(Transition tx, String domain) {
        List<DomainState.Slot> recalled = tx.domain(domain).pipelined();
        if (recalled.isEmpty()) {
            return;
        }
        int position = 0;
        for (DomainState.Slot slot : recalled) {
            if (slot.cancel() != null) {
                tx.event(domain, slot.patchId(), new EventBody.Cancelled(slot.cancel().by(), slot.cancel().reason()));
            } else {
                tx.event(domain, slot.patchId(), new EventBody.Queued(++position));
            }
        }
        log.info("domain {}: {} order(s) dispatched behind the patch that did not land go back to the queue", domain,
                recalled.size());
    }

    // ---- time -------------------------------------------------------------------------------

    /** Whether the wall clock may change anything in the domain: a retry, a window hold, a quarantine. */
    static boolean wantsTick(DomainState d, Instant now) {
        if (d == null) {
            return false;
        }
        DomainState.Slot slot = d.current();
        boolean retryDue = slot != null && slot.waitingForRetry() && !now.isBefore(slot.notBefore());
        return retryDue || d.windowHold() != null || !d.quarantinedAt().isEmpty();
    }

    /**
     * Discards quarantined patches whose {@code discardAfter} has passed, dispatches the domain's
     * held retry once its backoff has passed, and looks again at a head held for its change window
     * (the window may have opened, or the contract changed).
     */
    void onTick(Transition tx, String domain) {
        discardExpired(tx, domain);
        DomainState d = tx.domain(domain);
        DomainState.Slot slot = d.current();
        if (slot != null && slot.waitingForRetry() && !tx.now().isBefore(slot.notBefore())) {
            PatchRecord p = tx.patch(domain, slot.patchId());
            dispatch(tx, p, slot.attempt(), null);
            dispatchNext(tx, domain);
        } else if (d.windowHold() != null) {
            dispatchNext(tx, domain);
        }
    }

    private void discardExpired(Transition tx, String domain) {
        Map<String, Instant> quarantined = tx.domain(domain).quarantinedAt();
        if (quarantined.isEmpty()) {
            return;
        }
        Duration keep = policy(domain).map(DomainPolicy::quarantine).orElse(DEFAULT_QUARANTINE).discardAfterDuration();
        for (Map.Entry<String, Instant> e : List.copyOf(quarantined.entrySet())) {
            if (tx.now().isBefore(e.getValue().plus(keep))) {
                continue;
            }
            PatchRecord p = tx.patch(domain, e.getKey());
            if (p == null || p.status() != PatchStatus.QUARANTINED) {
                // Cannot happen in a fold of the chain (Released and Discarded take it out); nothing to discard.
                continue;
            }
            log.info("patch {} was quarantined at {} and nobody acted on it within {}; discarding it", p.patchId(),
                    e.getValue(), keep);
            discard(tx, p, DISCARD_AFTER);
        }
    }

    // ---- the working tree (freeze-verify) ------------------------------------------------------

    /** The wall clock for freeze-verify: a due check of an idle domain, or a task that went unanswered. */
    void onWorkspaceTick(Transition tx, String domain) {
        if (workspaces.onTick(tx, domain)) {
            dispatchNext(tx, domain);
        }
    }

    /** The worker's answer to a verify, adopt or reset; patches resume when the tree is as the log says. */
    void onWorkspaceAnswer(Transition tx, String domain, WorkResult.WorkspaceAnswer answer) {
        if (workspaces.onAnswer(tx, domain, answer)) {
            dispatchNext(tx, domain);
        }
    }

    // ---- dispatch ---------------------------------------------------------------------------

    /**
     * Dispatches what the domain's window allows: the queue's head when nothing holds the domain,
     * then, while the order before it runs, the next patches up to the window, each to start only
     * after the one before it landed. A retry waiting for its backoff, a cancel on its way, a
     * frozen tree or a closed change window stop the filling.
     */
    void dispatchNext(Transition tx, String domain) {
        if (tx.domain(domain).current() == null && !dispatchHead(tx, domain, null)) {
            return;
        }
        while (true) {
            DomainState d = tx.domain(domain);
            DomainState.Slot first = d.current();
            if (first == null || first.waitingForRetry() || first.cancel() != null
                    || d.pipelined().size() + 1 >= window) {
                return;
            }
            String after = d.pipelined().isEmpty() ? first.patchId() : d.pipelined().get(d.pipelined().size() - 1)
                    .patchId();
            if (!dispatchHead(tx, domain, after)) {
                return;
            }
        }
    }

    /**
     * Dispatches the queue's head unless something holds it.
     *
     * @param after the patch the order follows in the window; null for the order that holds the domain
     * @return whether it was dispatched
     */
    private boolean dispatchHead(Transition tx, String domain, String after) {
        DomainState d = tx.domain(domain);
        if (d.queue().isEmpty() || workspaces.holdsDispatch(tx, domain)) {
            return false;
        }
        String next = d.queue().get(0);
        PatchRecord p = tx.patch(domain, next);
        if (ChangeWindows.holds(tx, p, policy(domain).orElse(null))) {
            return false;
        }
        dispatch(tx, p, p.attempts() + 1, after);
        return true;
    }

    private void dispatch(Transition tx, PatchRecord p, int attempt, String after) {
        tx.event(p.domain(), p.patchId(), new EventBody.Dispatched(attempt, after));
        WorkOrder order = new WorkOrder(p.domain(), p.patchId(), attempt, p.patch(), tx.now())
                .withSubmitter(p.submitter());
        // The first of a window knows the commit the log last recorded; a later one knows only its predecessor.
        tx.order(after == null ? order.withExpectedHead(workspaces.expectedHead(tx, p.domain())) : order.after(after));
        log.info("dispatched patch {} attempt {} in domain {}{}", p.patchId(), attempt, p.domain(),
                after == null ? "" : " after " + after);
    }
}
