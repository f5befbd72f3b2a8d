package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private long nanos;

    @Test
    void inALogALineEveryFiftyThousandEventsOrFiveSeconds() {
        var err = new StringWriter();
        Progress p = new Progress("read", new PrintWriter(err), false, () -> nanos);

        p.at(49_999, 200_000);
        p.at(50_000, 200_000);
        nanos += Progress.EVERY.toNanos();
        p.at(60_000, 200_000);
        p.at(61_000, 200_000);
        nanos += Duration.ofMillis(1_500).toNanos();
        p.done(200_000);

        assertThat(err.toString()).isEqualTo("""
                patchbay audit: read 50,000 of 200,000 events (25%)
                patchbay audit: read 60,000 of 200,000 events (30%)
                patchbay audit: read 200,000 events in 6.5 s
                """);
    }

    @Test
    void onATerminalOneLineRewritesItselfAndTheClosingLineReplacesIt() {
        var err = new StringWriter();
        Progress p = new Progress("verified", new PrintWriter(err), true, () -> nanos);

        p.at(10, 40);
        nanos += Duration.ofMillis(300).toNanos();
        p.at(20, 40);
        p.at(21, 40);
        nanos += Duration.ofMillis(300).toNanos();
        p.done(40);

        assertThat(err.toString()).isEqualTo("\rpatchbay audit: verified 20 of 40 events (50%)\u001b[K"
                + "\r\u001b[Kpatchbay audit: verified 40 events in 600 ms\n");
    }
}
