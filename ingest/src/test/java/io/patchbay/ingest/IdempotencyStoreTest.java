package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class IdempotencyStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final IdempotencyStore.Answer ACCEPTED = new IdempotencyStore.Answer(202, "{\"id\":\"p1\"}", "/v1/patches/p1");

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        private volatile Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final Moving clock = new Moving();

    private IdempotencyStore store(int maxEntries) {
        return new IdempotencyStore(Duration.ofHours(1), maxEntries, clock);
    }

    @Test
    void tellsASecondRequestWithTheSameKeyThatTheFirstIsStillBeingHandled() {
        var store = store(100);

        assertThat(store.begin("ci", "k", "f1")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
        assertThat(store.begin("ci", "k", "f1")).isInstanceOf(IdempotencyStore.Outcome.InProgress.class);
        assertThat(store.begin("bot", "k", "f1")).as("keys are per token").isInstanceOf(IdempotencyStore.Outcome.Proceed.class);

        store.abandon("ci", "k");
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
    }

    @Test
    void replaysTheSameRequestAndRefusesAnotherOne() {
        var store = store(100);
        store.begin("ci", "k", "f1");
        store.complete("ci", "k", "f1", ACCEPTED);

        assertThat(store.begin("ci", "k", "f1")).isEqualTo(new IdempotencyStore.Outcome.Replay(ACCEPTED));
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Mismatch.class);
        assertThat(store.begin("ci", "k", "f1")).as("a replay leaves the key free for the next retry")
                .isEqualTo(new IdempotencyStore.Outcome.Replay(ACCEPTED));
    }

    @Test
    void forgetsAnAnswerAfterTheWindow() {
        var store = store(100);
        store.begin("ci", "k", "f1");
        store.complete("ci", "k", "f1", ACCEPTED);

        clock.now = T0.plus(Duration.ofMinutes(59));
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Mismatch.class);

        clock.now = T0.plus(Duration.ofMinutes(61));
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
    }

    @Test
    void forgetsTheOldestAnswersBeyondItsSize() {
        var store = store(2);
        for (String k : new String[] {"a", "b", "c"}) {
            store.begin("ci", k, "f-" + k);
            store.complete("ci", k, "f-" + k, ACCEPTED);
        }

        assertThat(store.begin("ci", "a", "other")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
        assertThat(store.begin("ci", "c", "other")).isInstanceOf(IdempotencyStore.Outcome.Mismatch.class);
    }
}
