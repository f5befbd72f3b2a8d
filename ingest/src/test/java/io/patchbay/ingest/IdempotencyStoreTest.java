package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdempotencyStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final IdempotencyStore.Answer ACCEPTED = new IdempotencyStore.Answer(202, "{\"id\":\"p1\"}", "/v1/patches/p1");

    @TempDir
    Path dir;

    private static IdempotencyStore store(Path file, Instant now) {
        return new IdempotencyStore(file, Duration.ofHours(1), 100, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void tellsASecondRequestWithTheSameKeyThatTheFirstIsStillBeingHandled() {
        var store = store(null, T0);

        assertThat(store.begin("ci", "k", "f1")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
        assertThat(store.begin("ci", "k", "f1")).isInstanceOf(IdempotencyStore.Outcome.InProgress.class);
        assertThat(store.begin("bot", "k", "f1")).as("keys are per token").isInstanceOf(IdempotencyStore.Outcome.Proceed.class);

        store.abandon("ci", "k");
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
    }

    @Test
    void replaysTheSameRequestAndRefusesAnotherOne() {
        var store = store(null, T0);
        store.begin("ci", "k", "f1");
        store.complete("ci", "k", "f1", ACCEPTED);

        assertThat(store.begin("ci", "k", "f1")).isEqualTo(new IdempotencyStore.Outcome.Replay(ACCEPTED));
        assertThat(store.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Mismatch.class);
    }

    @Test
    void keepsAnswersAcrossARestartAndForgetsThemAfterTheWindow() throws Exception {
        Path file = dir.resolve("idem.jsonl");
        try (var store = store(file, T0)) {
            store.begin("ci", "k", "f1");
            store.complete("ci", "k", "f1", ACCEPTED);
        }
        try (var restarted = store(file, T0.plusSeconds(60))) {
            assertThat(restarted.begin("ci", "k", "f1")).isEqualTo(new IdempotencyStore.Outcome.Replay(ACCEPTED));
        }
        try (var muchLater = store(file, T0.plus(Duration.ofHours(2)))) {
            assertThat(muchLater.begin("ci", "k", "f2")).isInstanceOf(IdempotencyStore.Outcome.Proceed.class);
        }
        assertThat(Files.readAllLines(file)).as("expired answers are compacted away").isEmpty();
    }

    @Test
    void survivesALineTornByACrash() throws Exception {
        Path file = dir.resolve("idem.jsonl");
        try (var store = store(file, T0)) {
            store.begin("ci", "k", "f1");
            store.complete("ci", "k", "f1", ACCEPTED);
        }
        Files.writeString(file, "{\"key\":\"ci\\nhalf", java.nio.file.StandardOpenOption.APPEND);
        try (var store = store(file, T0)) {
            store.begin("ci", "k2", "f2");
            store.complete("ci", "k2", "f2", ACCEPTED);
        }

        try (var store = store(file, T0)) {
            assertThat(store.begin("ci", "k", "f1")).isInstanceOf(IdempotencyStore.Outcome.Replay.class);
            assertThat(store.begin("ci", "k2", "f2")).isInstanceOf(IdempotencyStore.Outcome.Replay.class);
        }
    }
}
