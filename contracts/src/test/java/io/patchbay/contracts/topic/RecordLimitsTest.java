package io.patchbay.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordLimitsTest {

    @Test
    void theEnvironmentSetsTheLimitAndEveryOtherSizeDerivesFromIt() {
        RecordLimits l = RecordLimits.fromEnv(Map.of(RecordLimits.ENV, "2097152"));
        assertThat(l.maxRecordBytes()).isEqualTo(2_097_152);
        assertThat(l.maxCommandBytes()).isEqualTo(2_097_152 - RecordLimits.ENVELOPE_BYTES);
        assertThat(l.maxPatchBytes()).isEqualTo((2_097_152 - RecordLimits.ENVELOPE_BYTES) / 3);
        assertThat(l.producerConfig()).containsEntry("max.request.size", 2_097_152);
        assertThat(l.consumerConfig()).containsEntry("max.partition.fetch.bytes", 2_097_152);
        assertThat(l.topicConfig()).containsEntry("max.message.bytes", "2097152");
        assertThat(RecordLimits.fromEnv(Map.of())).isEqualTo(RecordLimits.DEFAULT);
    }

    @Test
    void aPatchOfTheCarryableSizeFitsInARecordEvenWhenEscapingDoublesIt() {
        RecordLimits l = RecordLimits.DEFAULT;
        assertThat(2L * l.maxPatchBytes() + RecordLimits.ENVELOPE_BYTES).isLessThanOrEqualTo(l.maxRecordBytes());
        assertThat(4L * l.maxPatchBytes() / 3 + RecordLimits.ENVELOPE_BYTES).isLessThanOrEqualTo(l.maxRecordBytes());
    }

    @Test
    void refusesNonsenseAndOnlyEverLowersToTheClustersLimit() {
        assertThatThrownBy(() -> RecordLimits.fromEnv(Map.of(RecordLimits.ENV, "8MB")))
                .hasMessageContaining("PATCHBAY_MAX_RECORD_BYTES must be a number of bytes");
        assertThatThrownBy(() -> new RecordLimits(1000)).hasMessageContaining("between");
        assertThat(RecordLimits.DEFAULT.atMost(1_048_588).maxRecordBytes()).isEqualTo(1_048_588);
        assertThat(RecordLimits.DEFAULT.atMost(Integer.MAX_VALUE)).isEqualTo(RecordLimits.DEFAULT);
    }
}
