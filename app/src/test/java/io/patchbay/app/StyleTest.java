package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StyleTest {

    @Test
    void colourOnlyOnATerminal() {
        assertThat(Style.detect(Map.of("TERM", "xterm-256color"), true).colour()).isTrue();
        assertThat(Style.detect(Map.of("TERM", "xterm-256color"), false).colour()).isFalse();
    }

    @Test
    void noColorSetToAnythingTurnsColourOff() {
        assertThat(Style.detect(Map.of("NO_COLOR", "1"), true).colour()).isFalse();
        assertThat(Style.detect(Map.of("NO_COLOR", ""), true).colour()).as("an empty NO_COLOR is unset").isTrue();
    }

    @Test
    void dumbTerminalGetsNoColour() {
        assertThat(Style.detect(Map.of("TERM", "dumb"), true).colour()).isFalse();
    }

    @Test
    void plainStyleAddsNoEscapes() {
        assertThat(Style.PLAIN.event("Failed")).isEqualTo("Failed");
        assertThat(new Style(true).health("degraded")).isEqualTo("\u001b[1;33mdegraded\u001b[0m");
    }

    @Test
    void eventsAreColouredByWhatTheyMeanForThePatch() {
        Style colour = new Style(true);
        assertThat(colour.event("Succeeded")).isEqualTo("\u001b[32mSucceeded\u001b[0m");
        assertThat(colour.event("RejectedByApprover")).isEqualTo("\u001b[31mRejectedByApprover\u001b[0m");
        assertThat(colour.event("AwaitingApproval")).isEqualTo("\u001b[33mAwaitingApproval\u001b[0m");
        assertThat(colour.event("Started")).isEqualTo("Started");
    }
}
