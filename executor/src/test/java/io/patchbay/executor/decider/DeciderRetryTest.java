package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retries and quarantine as the contract's retry and quarantine rules say. */
class DeciderRetryTest extends DeciderTestBase {

    private static final String RULES = """
            version: "retry-1"
            domains:
              main:
                workspace: ws/main
                retry:
                  maxAttempts: 4
                  backoff: 1s
                  maxBackoff: 3s
                  on: [infrastructure]
                quarantine:
                  on: [infrastructure]
                  discardAfter: 1h
            """;
    /** Infrastructure faults quarantine at once, without retries. */
    private static final String QUARANTINE_AT_ONCE = RULES.replace("maxAttempts: 4", "maxAttempts: 1");
    /** Infrastructure faults are retried, then fail for good. */
    private static final String RETRY_THEN_FAIL = RULES.replace("on: [infrastructure]\n      discardAfter",
            "on: []\n      discardAfter");

    @BeforeEach
    void retryContract() {
        contract.set(parse(RULES));
    }

    /** The quarantine tests: an infrastructure fault of a contract without retries quarantines at once. */
    private void quarantineAtOnce() {
        contract.set(parse(QUARANTINE_AT_ONCE));
    }

    /** Fails the running attempt and returns what the decider scheduled. */
    private EventBody.RetryScheduled failAndExpectRetry(String id, int attempt, FailureClass cls) {
        result(failed("main", id, attempt, cls));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("RetryScheduled");
        return (EventBody.RetryScheduled) es.get(0).body();
    }

    @Test
    void backoffDoublesFromAttemptToAttemptAndIsCappedAtMaxBackoff() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();
        work.readValuesToList();

        Duration[] expected = {Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)};
        for (int attempt = 1; attempt <= 3; attempt++) {
            Instant failedAt = clock.instant();
            EventBody.RetryScheduled rs = failAndExpectRetry("p1", attempt, FailureClass.INFRASTRUCTURE);
            assertThat(rs.nextAttempt()).isEqualTo(attempt + 1);
            assertThat(rs.notBefore()).isEqualTo(failedAt.plus(expected[attempt - 1]));
            tick(expected[attempt - 1]);
            assertThat(types(drainEvents())).containsExactly("Dispatched");
            assertThat(work.readValuesToList()).extracting(WorkOrder::attempt).containsExactly(attempt + 1);
        }

        result(failed("main", "p1", 4, FailureClass.INFRASTRUCTURE));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Quarantined");
        var q = (EventBody.Quarantined) es.get(0).body();
        assertThat(q.attempts()).isEqualTo(4);
        assertThat(q.reason()).contains("gave up after 4 attempts").contains("INFRASTRUCTURE");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void failureOfAClassTheContractDoesNotRetryIsFinal() {
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();

        result(failed("main", "p1", 1, FailureClass.GATE_FAILED));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Failed");
        assertThat(((EventBody.Failed) es.get(0).body()).failureClass()).isEqualTo(FailureClass.GATE_FAILED);
    }

    @Test
    void retriedClassThatDoesNotQuarantineFailsWhenItsAttemptsRunOut() {
        assertThat(RETRY_THEN_FAIL).contains("on: []");
        contract.set(parse(RETRY_THEN_FAIL));
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();
        work.readValuesToList();
        for (int attempt = 1; attempt <= 3; attempt++) {
            failAndExpectRetry("p1", attempt, FailureClass.INFRASTRUCTURE);
            tick(Duration.ofSeconds(3));
            drainEvents();
        }

        result(failed("main", "p1", 4, FailureClass.INFRASTRUCTURE));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Failed");
        assertThat(((EventBody.Failed) es.get(0).body()).attempt()).isEqualTo(4);
    }

    @Test
    void classThatQuarantinesWithoutRetriesIsQuarantinedAtOnce() {
        quarantineAtOnce();
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();

        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Quarantined", "Dispatched");
        var q = (EventBody.Quarantined) es.get(0).body();
        assertThat(q.attempts()).isEqualTo(1);
        assertThat(q.reason()).startsWith("INFRASTRUCTURE");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
    }

    @Test
    void quarantinedPatchNobodyActsOnIsDiscardedAfterTheContractsDiscardAfter() {
        quarantineAtOnce();
        submit(patch("p1", "main", "a.txt", "1"));
        drainEvents();
        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        drainEvents();

        tick(Duration.ofMinutes(59));
        assertThat(events.isEmpty()).isTrue();
        tick(Duration.ofMinutes(1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Discarded");
        assertThat(((EventBody.Discarded) es.get(0).body()).by()).isEqualTo(Decisions.DISCARD_AFTER);
        tick(Duration.ofHours(2));
        assertThat(events.isEmpty()).as("discarded once").isTrue();

        send(new Command.Release("main", "p1", ALICE, clock.instant()));
        assertThat(types(drainEvents())).containsExactly("CommandRefused");
    }

    @Test
    void releasedOrDiscardedPatchIsNotDiscardedByTheTimer() {
        quarantineAtOnce();
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("p2", "main", "b.txt", "2"));
        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        result(failed("main", "p2", 1, FailureClass.INFRASTRUCTURE));
        drainEvents();

        send(new Command.Release("main", "p1", ALICE, clock.instant()));
        send(new Command.Discard("main", "p2", ALICE, clock.instant()));
        assertThat(types(drainEvents())).containsExactly("Released", "Queued", "Dispatched", "Discarded");

        tick(Duration.ofHours(2));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void discardAfterIsReadFromTheContractInForce() {
        quarantineAtOnce();
        submit(patch("p1", "main", "a.txt", "1"));
        result(failed("main", "p1", 1, FailureClass.INFRASTRUCTURE));
        drainEvents();

        contract.set(parse(QUARANTINE_AT_ONCE.replace("discardAfter: 1h", "discardAfter: 10m")));
        tick(Duration.ofMinutes(10));

        assertThat(types(drainEvents())).containsExactly("Discarded");
    }
}
