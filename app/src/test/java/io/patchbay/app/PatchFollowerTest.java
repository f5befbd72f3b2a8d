package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.PatchView.TimelineEntry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The follower against a script of patchbay's answers and a clock that moves only when it sleeps. */
class PatchFollowerTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    private static final String[] PATH = {"Submitted", "Accepted", "Queued", "Dispatched", "Started", "Succeeded"};

    /** A refused connection, in the script of answers. */
    private static final ApiClient.Reply REFUSED = new ApiClient.Reply(-1, "", "");

    /** Answers in order; the last one repeats. */
    private final Deque<ApiClient.Reply> answers = new ArrayDeque<>();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> heard = new ArrayList<>();
    private long nanos;

    private static ApiClient.Reply view(PatchStatus status, int events, String... types) {
        List<TimelineEntry> timeline = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            timeline.add(new TimelineEntry(i + 1, types.length > i ? types[i] : PATH[i], T0.plusSeconds(i), "e" + (i + 1)));
        }
        PatchView v = new PatchView("p1", "main", "t", status, "http:ci", T0, T0.plusSeconds(events), null, null, null,
                timeline);
        return new ApiClient.Reply(200, "application/json", Json.canonical(v));
    }

    private static ApiClient.Reply problem(int status, String retryAfter) {
        return new ApiClient.Reply(status, "application/problem+json",
                "{\"status\":" + status + ",\"detail\":\"not now\"}", retryAfter);
    }

    private PatchFollower.Outcome follow(boolean submitted, Duration timeout) throws InterruptedException {
        PatchFollower.Source source = path -> {
            assertThat(path).isEqualTo("/v1/patches/p1");
            ApiClient.Reply r = answers.size() > 1 ? answers.poll() : answers.peek();
            if (r == REFUSED) {
                throw new ApiClient.Unreachable("patchbay does not answer", new IOException("refused"));
            }
            return r;
        };
        PatchFollower follower = new PatchFollower(source, submitted, timeout, d -> {
            sleeps.add(d);
            nanos += d.toNanos();
        }, () -> nanos);
        return follower.follow("p1", new PatchFollower.Listener() {
            @Override
            public void first(PatchView view) {
                heard.add("first " + view.status().label());
            }

            @Override
            public void entry(TimelineEntry entry, PatchView view) {
                heard.add(entry.type());
            }
        });
    }

    @Test
    void eachEventIsHeardOnceInOrderAndSuccessExitsZero() throws Exception {
        answers.add(view(PatchStatus.SUBMITTED, 1));
        answers.add(view(PatchStatus.SUBMITTED, 1));
        answers.add(view(PatchStatus.QUEUED, 3));
        answers.add(view(PatchStatus.RUNNING, 5));
        answers.add(view(PatchStatus.SUCCEEDED, 6));

        PatchFollower.Outcome outcome = follow(true, null);

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.problem()).isNull();
        assertThat(outcome.last().status()).isEqualTo(PatchStatus.SUCCEEDED);
        assertThat(heard).containsExactly("first Submitted", "Submitted", "Accepted", "Queued", "Dispatched", "Started",
                "Succeeded");
    }

    @ParameterizedTest
    @CsvSource({"FAILED,10", "REJECTED,11", "CANCELLED,12", "QUARANTINED,13", "DISCARDED,14"})
    void everyEndHasItsOwnExitCode(PatchStatus end, int code) throws Exception {
        answers.add(view(PatchStatus.RUNNING, 5));
        answers.add(view(end, 6, "Submitted", "Accepted", "Queued", "Dispatched", "Started", end.label()));

        assertThat(follow(true, null).exitCode()).isEqualTo(code);
    }

    @Test
    void pollingBacksOffWhileNothingHappensAndSpeedsUpWhenEventsArrive() throws Exception {
        for (int i = 0; i < 8; i++) {
            answers.add(view(PatchStatus.AWAITING_APPROVAL, 3));
        }
        answers.add(view(PatchStatus.QUEUED, 4));
        answers.add(view(PatchStatus.SUCCEEDED, 6));

        follow(true, null);

        assertThat(sleeps).extracting(Duration::toMillis)
                .containsExactly(200L, 300L, 450L, 675L, 1012L, 1518L, 2000L, 2000L, 200L);
    }

    @Test
    void viewsNotYetServingAndAPatchNotYetSeenAreWaitedOutAfterASubmission() throws Exception {
        answers.add(problem(503, "3"));
        answers.add(problem(404, null));
        answers.add(view(PatchStatus.SUCCEEDED, 6));

        PatchFollower.Outcome outcome = follow(true, null);

        assertThat(outcome.exitCode()).isZero();
        assertThat(sleeps.get(0)).as("Retry-After is honoured").isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void unknownPatchWithoutASubmissionIsRefusedAtOnce() throws Exception {
        answers.add(problem(404, null));

        PatchFollower.Outcome outcome = follow(false, null);

        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(outcome.problem()).contains("404").contains("not now");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void patchbayGoneForLongerThanTheGraceIsUnavailable() throws Exception {
        answers.add(view(PatchStatus.RUNNING, 5));
        answers.add(REFUSED);

        PatchFollower.Outcome outcome = follow(true, null);

        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(outcome.last().status()).isEqualTo(PatchStatus.RUNNING);
        assertThat(Duration.ofNanos(nanos)).isBetween(PatchFollower.GRACE, PatchFollower.GRACE.plusSeconds(3));
    }

    @Test
    void patchbayNeverReachedEndsAtOnce() throws Exception {
        answers.add(REFUSED);

        PatchFollower.Outcome outcome = follow(false, null);

        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(outcome.problem()).isEqualTo("patchbay does not answer");
        assertThat(sleeps).isEmpty();
    }

    @Test
    void timeoutEndsTheWaitAtItsDeadlineWithTheLastStatus() throws Exception {
        answers.add(view(PatchStatus.RUNNING, 5));

        PatchFollower.Outcome outcome = follow(true, Duration.ofMillis(5_100));

        assertThat(outcome.exitCode()).isEqualTo(ExitCodes.TIMED_OUT);
        assertThat(outcome.problem()).isEqualTo("still Running after 5.1 s (--timeout)");
        assertThat(Duration.ofNanos(nanos)).isEqualTo(Duration.ofMillis(5_100));
    }
}
