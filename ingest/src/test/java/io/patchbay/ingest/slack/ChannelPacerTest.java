package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChannelPacerTest {

    private static final long S = 1_000_000_000L;

    @Test
    void spacesMessagesToOneChannelButNotAcrossChannels() {
        var pacer = new ChannelPacer(Duration.ofSeconds(1));

        assertThat(pacer.delay("C1", 0)).isZero();
        pacer.sent("C1", 0);

        assertThat(pacer.delay("C1", S / 4)).isEqualTo(3 * S / 4);
        assertThat(pacer.delay("C2", S / 4)).isZero();
        assertThat(pacer.delay("C1", S)).isZero();
    }

    @Test
    void keepsOffAChannelForAsLongAsRetryAfterSays() {
        var pacer = new ChannelPacer(Duration.ofSeconds(1));
        pacer.sent("C1", 0);

        pacer.holdOff("C1", 0, Duration.ofSeconds(30));
        pacer.sent("C1", 0);

        assertThat(pacer.delay("C1", 10 * S)).as("a later, shorter pause does not shorten the hold").isEqualTo(20 * S);
    }

    @Test
    void forgetsIdleChannels() {
        var pacer = new ChannelPacer(Duration.ofSeconds(1));
        pacer.sent("C1", 0);
        pacer.sent("C2", 5 * S);

        pacer.forgetIdle(2 * S);

        assertThat(pacer.delay("C1", 0)).isZero();
        assertThat(pacer.delay("C2", 5 * S)).isEqualTo(S);
    }
}
