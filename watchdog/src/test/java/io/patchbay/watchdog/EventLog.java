package io.patchbay.watchdog;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes a hash-chained event log the way the decider does: per-domain seq from 1, sealed events. */
final class EventLog {

    static final Submitter ALICE = Submitter.http("alice");
    static final Submitter OPS = new Submitter("slack", "U0OPS");

    private final Map<String, Event> heads = new HashMap<>();
    private Instant now;

    EventLog(Instant start) {
        this.now = start;
    }

    /** The next event of {@code domain}, one second after the previous event of the log. */
    Event next(String domain, String patchId, EventBody body) {
        Event prev = heads.get(domain);
        long seq = prev == null ? 1 : prev.seq() + 1;
        String prevHash = prev == null ? HashChain.GENESIS : prev.hash();
        now = now.plusSeconds(1);
        Event e = HashChain.seal(new Event(domain, seq, patchId, now, body, null, null), prevHash);
        heads.put(domain, e);
        return e;
    }

    void advance(Duration d) {
        now = now.plus(d);
    }

    Instant now() {
        return now;
    }

    static EventBody.Submitted submitted(String id, String domain, String title) {
        var patch = new Patch(id, domain, title, Risk.LOW, null, "--- a/x\n+++ b/x\n", null, null, null, null);
        return new EventBody.Submitted(patch, ALICE);
    }

    static EventBody.Accepted accepted() {
        return new EventBody.Accepted("2026.11.1", "c0ffee");
    }

    static EventBody.Rejected rejected(String message) {
        return new EventBody.Rejected(List.of(new Violation("path-denied", "secrets/key.pem", message)), "2026.11.1",
                "c0ffee");
    }

    static EventBody.Queued queued(int position) {
        return new EventBody.Queued(position);
    }

    static EventBody.Dispatched dispatched(int attempt) {
        return new EventBody.Dispatched(attempt);
    }

    static EventBody.Started started(int attempt) {
        return new EventBody.Started(attempt, "worker-1", "3f2a9c0d1e2b");
    }

    static EventBody.GateFinished gate(int attempt, String name, boolean passed) {
        return new EventBody.GateFinished(attempt, new GateResult(name, passed, passed ? 0 : 1, 120, ""));
    }

    static EventBody.Succeeded succeeded(int attempt, String commit) {
        return new EventBody.Succeeded(attempt, commit, List.of("README.md"), List.of(), "var/summaries/" + commit + ".md",
                "ok", 900);
    }

    static EventBody.Failed failed(int attempt, FailureClass cls, String reason) {
        return new EventBody.Failed(attempt, cls, reason, null, List.of(), "var/summaries/failed.md", "failed", 700);
    }

    static EventBody.RetryScheduled retry(int nextAttempt, Instant notBefore) {
        return new EventBody.RetryScheduled(nextAttempt, notBefore, "worker lost its workspace");
    }

    static EventBody.Succeeded succeeded(int attempt, String commit, Double score) {
        return new EventBody.Succeeded(attempt, commit, List.of("README.md"), List.of(), "var/summaries/" + commit + ".md",
                "ok", 900, score);
    }

    static EventBody.Failed failed(int attempt, FailureClass cls, String reason, Double score) {
        return new EventBody.Failed(attempt, cls, reason, null, List.of(), "var/summaries/failed.md", "failed", 700, score);
    }

    static EventBody.Quarantined quarantined(int attempts) {
        return new EventBody.Quarantined("gave up after " + attempts + " attempt(s): INFRASTRUCTURE: disk full", attempts);
    }

    static EventBody.DriftFound drift(String expected, String actual) {
        return new EventBody.DriftFound(expected, actual, "README.md modified outside patchbay");
    }

    static EventBody.DomainUnfrozen unfrozen(String mode) {
        return new EventBody.DomainUnfrozen(mode, OPS);
    }

    /**
     * Submitted, Accepted, Queued, Dispatched, Started and, {@code took} later, {@code end}: a patch's
     * whole run, {@code took} plus 5 s from submission to its end.
     */
    Event[] run(String domain, String patchId, Duration took, EventBody end) {
        Event[] events = new Event[6];
        events[0] = next(domain, patchId, submitted(patchId, domain, "patch " + patchId));
        events[1] = next(domain, patchId, accepted());
        events[2] = next(domain, patchId, queued(1));
        events[3] = next(domain, patchId, dispatched(1));
        events[4] = next(domain, patchId, started(1));
        advance(took);
        events[5] = next(domain, patchId, end);
        return events;
    }
}
