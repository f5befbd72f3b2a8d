package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Digest;
import io.patchbay.contracts.view.Latency;
import io.patchbay.contracts.view.Outcomes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest in Slack: its text (with each chain head), when it is posted, and how it is configured. */
class DigestPosterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T07:59:59.990Z");
    private static final String HEAD = "9f2c".repeat(16);

    private final SlackOutboxTest.ScriptedSlack slack = new SlackOutboxTest.ScriptedSlack();
    private final SlackOutbox outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 3);
    private final List<Instant[]> asked = new CopyOnWriteArrayList<>();
    private DigestPoster poster;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        if (poster != null) {
            poster.close();
        }
        outbox.close();
    }

    private Digest digest(Instant since, Instant until) {
        asked.add(new Instant[] {since, until});
        var outcomes = new Outcomes(since, until, 12, 1, 2, 0, 0, 0, Map.of("GATE_FAILED", 1L),
                Latency.NONE, 12.0 / 13, 0.8625, 13);
        var breach = new Alert("main", "SlaBreached", "queueDepth", "60", List.of(), since.plusSeconds(60), "too deep");
        return new Digest(since, until, List.of(
                new Digest.Domain("main", outcomes, List.of(breach), 3, 1, 0, true, 245, HEAD),
                new Digest.Domain("ops", Outcomes.none(since, until), List.of(), 0, 0, 0, false, 7, "ab".repeat(32))));
    }

    @Test
    void digestPostedOnDemandNamesEachDomainsFiguresAndFullChainHead() throws Exception {
        poster = new DigestPoster(outbox, new DigestSchedule("C0OPS", 8, ZoneOffset.UTC), this::digest,
                Clock.fixed(NOW, ZoneOffset.UTC));

        String ts = poster.postNow(Duration.ofHours(24)).get();

        assertThat(ts).isNotNull();
        assertThat(asked).singleElement().satisfies(p -> {
            assertThat(p[1]).isEqualTo(NOW);
            assertThat(Duration.between(p[0], p[1])).isEqualTo(Duration.ofHours(24));
        });
        String text = slack.posted.get(0);
        assertThat(text).startsWith("C0OPS::clipboard: *patchbay digest* 2026-11-22 07:59 UTC to 2026-11-23 07:59 UTC");
        assertThat(text).contains("*main*  :snowflake: frozen")
                .contains("12 succeeded, 1 failed, 2 rejected, 0 cancelled, 0 quarantined; success rate 92%;"
                        + " mean rubric score 0.86 over 13")
                .contains("failures: GATE_FAILED 1")
                .contains("1 SLA breach(es): queueDepth")
                .contains("3 queued, 1 running, 0 quarantined")
                .contains("chain head #245 `" + HEAD + "`")
                .contains("*ops*\n0 succeeded")
                .contains("chain head #7 `" + "ab".repeat(32) + "`");
    }

    @Test
    void scheduledDigestIsPostedAtTheConfiguredHourForTheLastDay() {
        // The clock stands a few milliseconds before 08:00 UTC, so the first posting is due at once.
        poster = new DigestPoster(outbox, new DigestSchedule("C0OPS", 8, ZoneOffset.UTC), this::digest,
                Clock.fixed(NOW, ZoneOffset.UTC));

        poster.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 1);
        assertThat(asked.get(0)[1]).isEqualTo(NOW);
        assertThat(Duration.between(asked.get(0)[0], asked.get(0)[1])).isEqualTo(DigestPoster.DAY);
    }

    @Test
    void nextPostingIsTheNextOccurrenceOfTheHourInItsZone() {
        var berlin = new DigestSchedule("C1", 8, ZoneId.of("Europe/Berlin"));
        assertThat(berlin.nextAfter(Instant.parse("2026-11-23T06:30:00Z"))).isEqualTo("2026-11-23T07:00:00Z");
        assertThat(berlin.nextAfter(Instant.parse("2026-11-23T07:00:00Z"))).isEqualTo("2026-11-24T07:00:00Z");
        // Summer time: 08:00 in Berlin is 06:00 UTC.
        assertThat(berlin.nextAfter(Instant.parse("2026-07-01T12:00:00Z"))).isEqualTo("2026-07-02T06:00:00Z");
        assertThatThrownBy(() -> new DigestSchedule("C1", 24, null)).hasMessageContaining("between 0 and 23");
        assertThatThrownBy(() -> new DigestSchedule(" ", 8, null)).hasMessageContaining("channel");
    }

    @Test
    void digestIsConfiguredInTheSlackFileAndOffByDefault() throws Exception {
        Path file = dir.resolve("slack.yml");
        Files.writeString(file, "signingSecret: s\nbotToken: xoxb-1\n");
        assertThat(SlackSettings.load(file, Map.of(), dir).orElseThrow().digest()).isNull();

        Files.writeString(file, "signingSecret: s\nbotToken: xoxb-1\ndigest: {channel: C0OPS, hour: 9, zone: Europe/Berlin}\n");
        assertThat(SlackSettings.load(file, Map.of(), dir).orElseThrow().digest())
                .isEqualTo(new DigestSchedule("C0OPS", 9, ZoneId.of("Europe/Berlin")));

        Files.writeString(file, "signingSecret: s\nbotToken: xoxb-1\ndigest: {channel: C0OPS, zone: Mars/Olympus}\n");
        assertThatThrownBy(() -> SlackSettings.load(file, Map.of(), dir)).hasMessageContaining("Mars/Olympus");
    }
}
