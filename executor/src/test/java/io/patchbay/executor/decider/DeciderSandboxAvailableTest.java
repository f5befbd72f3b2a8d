package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The twin of {@link DeciderSandboxTest}: where the sandbox is available, the same patch runs. */
class DeciderSandboxAvailableTest extends DeciderTestBase {

    @Test
    void patchWithACommandGateRunsWhereTheSandboxIsAvailable() {
        submit(new Patch("g1", "main", "Gated", null, null, null, List.of(FileChange.write("a.txt", "a\n")), null,
                List.of(Gate.command("check", List.of("true"))), null));

        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
    }
}
