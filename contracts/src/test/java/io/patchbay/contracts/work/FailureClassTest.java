package io.patchbay.contracts.work;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.policy.DomainPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureClassTest {

    @Test
    void onlyInfrastructureIsRetriable() {
        assertThat(Arrays.stream(FailureClass.values()).filter(FailureClass::retriable))
                .containsExactly(FailureClass.INFRASTRUCTURE);
    }

    @Test
    void aRuntimeFaultOrErrorWhileHandlingThePatchContentIsThePatchsFault() {
        assertThat(FailureClass.ofUnexpected(new NumberFormatException("For input string: \"99999999999\""), true))
                .isEqualTo(FailureClass.DOES_NOT_APPLY);
        assertThat(FailureClass.ofUnexpected(new StackOverflowError(), true)).isEqualTo(FailureClass.DOES_NOT_APPLY);
        assertThat(FailureClass.ofUnexpected(new OutOfMemoryError("Java heap space"), true))
                .isEqualTo(FailureClass.DOES_NOT_APPLY);
    }

    @Test
    void anIoFaultOrAnythingOutsideThePatchContentIsTheMachines() {
        assertThat(FailureClass.ofUnexpected(new IOException("disk full"), true)).isEqualTo(FailureClass.INFRASTRUCTURE);
        assertThat(FailureClass.ofUnexpected(new UncheckedIOException(new IOException("disk full")), true))
                .isEqualTo(FailureClass.INFRASTRUCTURE);
        assertThat(FailureClass.ofUnexpected(new Exception("a checked JGit fault"), true))
                .isEqualTo(FailureClass.INFRASTRUCTURE);
        assertThat(FailureClass.ofUnexpected(new IllegalStateException("lock"), false))
                .isEqualTo(FailureClass.INFRASTRUCTURE);
    }

    @Test
    void aPolicyBuiltInCodeNeverRetriesOrQuarantinesAPatchsFault() {
        var retry = new DomainPolicy.Retry(3, "1s", "1m", List.of("infrastructure", "timeout"));
        var quarantine = new DomainPolicy.Quarantine(List.of("infrastructure", "gate_failed"), null);
        assertThat(retry.retries(FailureClass.TIMEOUT)).isFalse();
        assertThat(retry.retries(FailureClass.INFRASTRUCTURE)).isTrue();
        assertThat(quarantine.quarantines(FailureClass.GATE_FAILED)).isFalse();
        assertThat(quarantine.quarantines(FailureClass.INFRASTRUCTURE)).isTrue();
    }
}
