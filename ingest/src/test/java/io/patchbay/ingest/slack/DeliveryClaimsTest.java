package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.ingest.PublishException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which instance acts on a Slack delivery. The shared topic is stood in for by a map whose first
 * write under a key wins, as the topic's first record does (SlackSharedDeliveriesIT runs the real one).
 */
class DeliveryClaimsTest {

    private static final SlackSubmission WORK = new SlackSubmission(SlackSubmission.Kind.MESSAGE, "T1", "C1", "U1",
            "1700000000.000100", "```diff```", null, null);

    @TempDir
    Path dir;

    private final List<DeliveryClaims> opened = new ArrayList<>();

    /** The topic's rule: the first claim under a key is every instance's answer. */
    static final class FirstWins implements DeliveryClaims.Board {
        final Map<String, SlackDeliveryClaim> firsts = new ConcurrentHashMap<>();
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public SlackDeliveryClaim claim(String key, SlackDeliveryClaim mine, Duration budget) {
            asked.incrementAndGet();
            return firsts.computeIfAbsent(key, k -> mine);
        }
    }

    /** Kafka out of reach; {@code landed} says whether the write reached the cluster before the timeout. */
    static DeliveryClaims.Board unconfirmed(FirstWins landedOn) {
        return (key, mine, budget) -> {
            if (landedOn != null) {
                landedOn.claim(key, mine, budget);
            }
            throw new PublishException("patchbay.idempotency did not acknowledge the claim within 2000 ms", true, null);
        };
    }

    private DeliveryClaims instance(String name, DeliveryClaims.Board board) {
        var claims = new DeliveryClaims(new DeliveryLog(dir.resolve(name + ".jsonl"), Clock.systemUTC()),
                Clock.systemUTC());
        if (board != null) {
            claims.share(board);
        }
        opened.add(claims);
        return claims;
    }

    @AfterEach
    void close() {
        opened.forEach(DeliveryClaims::close);
    }

    @Test
    void theSameEventOnTwoInstancesAtOnceIsTakenByTheFirstClaimOnly() throws Exception {
        var board = new FirstWins();
        var a = instance("a", board);
        var b = instance("b", board);
        var pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 50; i++) {
                String key = "T1:Ev" + i;
                var go = new CountDownLatch(1);
                Callable<DeliveryClaims.Outcome> onA = () -> {
                    go.await();
                    return a.claim(key, WORK, null);
                };
                Callable<DeliveryClaims.Outcome> onB = () -> {
                    go.await();
                    return b.claim(key, WORK, null);
                };
                Future<DeliveryClaims.Outcome> ra = pool.submit(onA);
                Future<DeliveryClaims.Outcome> rb = pool.submit(onB);
                go.countDown();
                var outcomes = List.of(ra.get(10, TimeUnit.SECONDS), rb.get(10, TimeUnit.SECONDS));

                assertThat(outcomes).filteredOn(DeliveryClaims.Outcome.Take.class::isInstance).hasSize(1);
                String winner = board.firsts.get(key).instance();
                assertThat(outcomes).filteredOn(DeliveryClaims.Outcome.Skip.class::isInstance).singleElement()
                        .isEqualTo(new DeliveryClaims.Outcome.Skip("instance " + winner));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRetryOnTheInstanceThatTookTheEventIsSettledWithoutAskingTheTopic() {
        var board = new FirstWins();
        var a = instance("a", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        assertThat(a.claim("T1:Ev1", WORK, 1)).as("while at work").isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
        a.done("T1:Ev1");
        assertThat(a.claim("T1:Ev1", WORK, 2)).as("once done").isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
        assertThat(board.asked).hasValue(1);
    }

    @Test
    void aRetryOnAnotherInstanceIsLeftAlone() {
        var board = new FirstWins();
        var a = instance("a", board);
        var b = instance("b", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        a.done("T1:Ev1");

        assertThat(b.claim("T1:Ev1", WORK, 1)).isEqualTo(new DeliveryClaims.Outcome.Skip("instance " + a.instance()));
    }

    @Test
    void aClaimTheTopicDoesNotConfirmIsUnconfirmedUntilSlacksLastRetryWhichIsTakenHere() {
        var a = instance("a", unconfirmed(null));

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class)
                .asString().contains("did not acknowledge");
        assertThat(a.claim("T1:Ev1", WORK, 1)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        assertThat(a.claim("T1:Ev1", WORK, 2)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        assertThat(a.claim("T1:Ev1", WORK, DeliveryClaims.LAST_RETRY)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        assertThat(a.claim("T1:Ev1", WORK, DeliveryClaims.LAST_RETRY)).as("taken here, so settled here")
                .isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
    }

    @Test
    void aClaimThatLandedThoughUnconfirmedIsTakenByItsOwnInstanceOnTheRetry() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(board));
        var b = instance("b", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        a.share(board);

        assertThat(b.claim("T1:Ev1", WORK, 1)).as("the claim is a's").isInstanceOf(DeliveryClaims.Outcome.Skip.class);
        assertThat(a.claim("T1:Ev1", WORK, 1)).as("a's own claim, not yet acted on")
                .isInstanceOf(DeliveryClaims.Outcome.Take.class);
    }

    @Test
    void aFileArrivingTwiceAfterTheAcknowledgementIsReadByTheFirstClaimAndByThisInstanceWhenTheTopicIsAway() {
        var board = new FirstWins();
        var a = instance("a", board);
        var b = instance("b", board);
        var alone = instance("alone", unconfirmed(null));

        assertThat(a.claimAfterAck("T1:file:F1")).isTrue();
        assertThat(b.claimAfterAck("T1:file:F1")).isFalse();
        assertThat(a.claimAfterAck("T1:file:F1")).isFalse();
        assertThat(alone.claimAfterAck("T1:file:F2")).as("nothing would deliver it again").isTrue();
        assertThat(alone.claimAfterAck("T1:file:F2")).isFalse();
    }

    @Test
    void withoutASharedTopicTheInstancesFileDecidesAlone() {
        var a = instance("a", null);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        assertThat(a.claim("T1:Ev1", WORK, 1)).isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
    }

    @Test
    void workTakenAndNotFinishedIsHandedBackByTheFileAfterACrash() {
        var a = instance("a", null);
        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        a.close();
        opened.remove(a);

        var restarted = instance("a", null);

        assertThat(restarted.unfinished()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("T1:Ev1");
            assertThat(e.getValue()).isEqualTo(WORK);
        });
        assertThat(restarted.claim("T1:Ev1", WORK, 1)).as("being finished here")
                .isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
    }

    @Test
    void workClaimedOnTheTopicAndNotFinishedIsSettledAfterACrashUnderTheClaimWrittenBeforeIt() {
        var board = new FirstWins();
        var a = instance("a", board);
        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        String before = a.instance();
        a.close();
        opened.remove(a);

        var restarted = instance("a", board);

        assertThat(restarted.instance()).isNotEqualTo(before);
        assertThat(restarted.settle()).containsExactly(Map.entry("T1:Ev1", WORK));
        assertThat(restarted.settle()).as("settled once").isEmpty();
        assertThat(restarted.claim("T1:Ev1", WORK, 1)).as("being finished here")
                .isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
    }

    @Test
    void aClaimThatLandedFirstThoughUnconfirmedIsActedOnByItsInstanceWhileItsRetryElsewhereIsLeftAlone() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(board));
        var b = instance("b", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        assertThat(b.claim("T1:Ev1", WORK, 1)).as("the retry lands elsewhere")
                .isEqualTo(new DeliveryClaims.Outcome.Skip("instance " + a.instance()));
        assertThat(a.settle()).as("the topic still does not answer a").isEmpty();
        a.share(board);

        assertThat(a.settle()).containsExactly(Map.entry("T1:Ev1", WORK));
        assertThat(a.settle()).as("taken once").isEmpty();
        assertThat(a.claim("T1:Ev1", WORK, 2)).isEqualTo(new DeliveryClaims.Outcome.Skip("this instance"));
        assertThat(b.settle()).as("b never noted it as its own").isEmpty();
    }

    @Test
    void anUnconfirmedClaimThatDidNotLandIsDroppedWhenAnotherInstanceTookTheRetry() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(null));
        var b = instance("b", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        assertThat(b.claim("T1:Ev1", WORK, 1)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        a.share(board);

        assertThat(a.settle()).isEmpty();
        assertThat(a.claim("T1:Ev1", WORK, 2)).isInstanceOf(DeliveryClaims.Outcome.Skip.class);
        assertThat(board.firsts.get("T1:Ev1").instance()).isEqualTo(b.instance());
    }

    @Test
    void anUnconfirmedClaimThatDidNotLandIsClaimedAgainWhenTheTopicAnswersAndActedOnHere() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(null));
        var b = instance("b", board);

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        a.share(board);

        assertThat(a.settle()).containsExactly(Map.entry("T1:Ev1", WORK));
        assertThat(b.claim("T1:Ev1", WORK, 1)).as("Slack's retry, now that a acts on it")
                .isEqualTo(new DeliveryClaims.Outcome.Skip("instance " + a.instance()));
    }

    @Test
    void aRetryOnTheRestartedInstanceWhoseEarlierClaimLandedIsTakenThere() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(board));
        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        a.close();
        opened.remove(a);

        var restarted = instance("a", board);

        assertThat(restarted.claim("T1:Ev1", WORK, 1)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        assertThat(restarted.settle()).isEmpty();
    }

    @Test
    void slacksLastRetryTakenAloneIsNotSettledAgain() {
        var board = new FirstWins();
        var a = instance("a", unconfirmed(null));

        assertThat(a.claim("T1:Ev1", WORK, null)).isInstanceOf(DeliveryClaims.Outcome.Unconfirmed.class);
        assertThat(a.claim("T1:Ev1", WORK, DeliveryClaims.LAST_RETRY)).isInstanceOf(DeliveryClaims.Outcome.Take.class);
        a.share(board);

        assertThat(a.settle()).isEmpty();
    }

    @Test
    void aFileClaimedAfterTheAcknowledgementIsReadAfterACrashUnderTheClaimWrittenBeforeIt() {
        var board = new FirstWins();
        var a = instance("a", board);
        var b = instance("b", board);
        assertThat(a.claimAfterAck("T1:file:F1")).isTrue();
        a.close();
        opened.remove(a);

        var restarted = instance("a", board);

        assertThat(restarted.settle()).as("nothing to replay on its own").isEmpty();
        assertThat(restarted.claimAfterAck("T1:file:F1")).as("the replayed message reads its file").isTrue();
        assertThat(b.claimAfterAck("T1:file:F1")).isFalse();
    }
}
