package io.patchbay.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Outcomes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlaCheckTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final DomainPolicy.Sla SLA = new DomainPolicy.Sla(5, "15m", "10m", 2, 0.8);

    private static DomainView view(long queueDepth, long quarantined, Instant oldestPendingSince) {
        return new DomainView("main", queueDepth, 0, 0, quarantined, 0, 0, 0, 0, oldestPendingSince, NOW, 9, "h");
    }

    @Test
    void figuresEqualToTheirLimitsAreWithinThem() {
        assertThat(SlaCheck.breaches(view(5, 2, NOW.minus(Duration.ofMinutes(15))), null, SLA, NOW)).isEmpty();
    }

    @Test
    void figuresAboveTheirLimitsAreBreaches() {
        var breaches = SlaCheck.breaches(view(6, 3, NOW.minus(Duration.ofMinutes(16))), null, SLA, NOW);
        assertThat(breaches).containsOnlyKeys(SlaCheck.QUEUE_DEPTH, SlaCheck.QUARANTINE, SlaCheck.OLDEST_PENDING);
        assertThat(breaches.get(SlaCheck.QUEUE_DEPTH).message()).isEqualTo("main: 6 patches wait, more than the limit of 5");
        assertThat(breaches.get(SlaCheck.OLDEST_PENDING).value()).isEqualTo("PT16M");
    }

    @Test
    void runLongerThanTheRunTimeIsStuck() {
        assertThat(SlaCheck.stuck(NOW.minus(Duration.ofMinutes(10)), SLA, NOW)).isFalse();
        assertThat(SlaCheck.stuck(NOW.minus(Duration.ofMinutes(11)), SLA, NOW)).isTrue();
    }

    private static Outcomes ran(long succeeded, long failed, long quarantined) {
        long total = succeeded + failed + quarantined;
        return new Outcomes(NOW.minusSeconds(3600), NOW, succeeded, failed, 0, 0, quarantined, 0, Map.of(), null,
                total == 0 ? null : (double) succeeded / total, null, 0);
    }

    @Test
    void successRateAtItsLimitIsWithinAndBelowItIsABreach() {
        assertThat(SlaCheck.breaches(view(0, 0, null), ran(4, 1, 0), SLA, NOW)).isEmpty();

        var breaches = SlaCheck.breaches(view(0, 0, null), ran(3, 1, 1), SLA, NOW);

        assertThat(breaches).containsOnlyKeys(SlaCheck.SUCCESS_RATE);
        assertThat(breaches.get(SlaCheck.SUCCESS_RATE).limit()).isEqualTo("sla.successRate=0.8");
        assertThat(breaches.get(SlaCheck.SUCCESS_RATE).value()).isEqualTo("0.60");
    }

    @Test
    void anHourWithoutRunsBreachesNoSuccessRate() {
        assertThat(SlaCheck.breaches(view(0, 0, null), ran(0, 0, 0), SLA, NOW)).isEmpty();
    }
}
