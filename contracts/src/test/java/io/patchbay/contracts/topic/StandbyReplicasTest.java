package io.patchbay.contracts.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StandbyReplicasTest {

    @Test
    void keepsOneStandbyOnAClusterAndNoneOnASingleBrokerUnlessTheEnvironmentSaysOtherwise() {
        assertThat(StandbyReplicas.from(Map.of(), 3)).isEqualTo(1);
        assertThat(StandbyReplicas.from(Map.of(), 1)).isZero();
        assertThat(StandbyReplicas.from(Map.of(StandbyReplicas.ENV, "2"), 1)).isEqualTo(2);
        assertThat(StandbyReplicas.from(Map.of(StandbyReplicas.ENV, " 0 "), 3)).isZero();
        assertThat(StandbyReplicas.from(Map.of(StandbyReplicas.ENV, ""), 3)).isEqualTo(1);
    }

    @Test
    void refusesAValueThatIsNotACountWithTheVariableNamed() {
        assertThatThrownBy(() -> StandbyReplicas.from(Map.of(StandbyReplicas.ENV, "one"), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(StandbyReplicas.ENV + "=one");
        assertThatThrownBy(() -> StandbyReplicas.from(Map.of(StandbyReplicas.ENV, "-1"), 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }
}
