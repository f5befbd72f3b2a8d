package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StallBoundsTest {

    private static ExecutionContract contract(String limits) {
        return ContractLoader.parse(("""
                version: "test-1"
                domains:
                  main:
                    workspace: var/workspaces/main
                    limits: %s
                  ops:
                    workspace: var/workspaces/ops
                """.formatted(limits)).getBytes(StandardCharsets.UTF_8), "test-contract.yml");
    }

    @Test
    void theDeciderAndWatchdogBoundIsAMinuteUnlessTheEnvironmentSaysOtherwise() {
        assertThat(StallBounds.fromEnv(Map.of()).streams()).isEqualTo(Duration.ofSeconds(60));
        assertThat(StallBounds.fromEnv(Map.of(StallBounds.ENV, " ")).streams()).isEqualTo(Duration.ofSeconds(60));
        assertThat(StallBounds.fromEnv(Map.of(StallBounds.ENV, "20s")).streams()).isEqualTo(Duration.ofSeconds(20));
        assertThat(StallBounds.fromEnv(Map.of(StallBounds.ENV, "2m")).streams()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aBoundThatIsNoDurationAboveZeroStopsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> StallBounds.fromEnv(Map.of(StallBounds.ENV, "soon")))
                .hasMessageContaining("PATCHBAY_STALL_BOUND").hasMessageContaining("'soon'");
        assertThatThrownBy(() -> StallBounds.fromEnv(Map.of(StallBounds.ENV, "0s")))
                .hasMessageContaining("PATCHBAY_STALL_BOUND");
    }

    @Test
    void theWorkersBoundIsTheLongestPatchOrCommandTimeoutPlusAMargin() {
        var bounds = new StallBounds(Duration.ofSeconds(60));
        // ops keeps the default patch timeout of 15 minutes.
        assertThat(bounds.worker(contract("{patchTimeout: 40m, commandTimeout: 2m}"))).isEqualTo(Duration.ofMinutes(42));
        assertThat(bounds.worker(contract("{patchTimeout: 1m, commandTimeout: 20m}"))).isEqualTo(Duration.ofMinutes(22));
        assertThat(bounds.worker(contract("{patchTimeout: 1m}"))).isEqualTo(Duration.ofMinutes(17));
        assertThat(new StallBounds(Duration.ofHours(1)).worker(contract("{patchTimeout: 1m}")))
                .as("never shorter than the bound of the others").isEqualTo(Duration.ofHours(1));
    }

    @Test
    void offsetsAreSampledAFewTimesWithinTheBoundAndAtLeastEverySecond() {
        assertThat(new StallBounds(Duration.ofSeconds(60)).sampleEvery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(new StallBounds(Duration.ofSeconds(9)).sampleEvery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(new StallBounds(Duration.ofSeconds(2)).sampleEvery()).isEqualTo(Duration.ofSeconds(1));
    }
}
