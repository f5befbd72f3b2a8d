package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxRequirement;
import io.patchbay.executor.sandbox.SandboxStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decider on an executor whose bubblewrap cannot be found: the answer of a real probe of a
 * program that is not there, as {@code ./patchbay up} passes it on a machine without bubblewrap.
 */
class DeciderSandboxTest extends DeciderTestBase {

    private static final String SANDBOXED_AND_NOT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  allow: [["true"], ["echo"]]
              loose:
                workspace: ws/loose
                commands:
                  sandbox: none
                  allow: [["true"]]
              guarded:
                workspace: ws/guarded
                commands:
                  allow: [["true"]]
                gates:
                  required:
                    - name: always
                      run: ["true"]
            """;

    private static final SandboxStatus MISSING = new Bubblewrap(Path.of("/nonexistent/patchbay-test/bwrap")).probe();

    @Override
    SandboxStatus sandbox() {
        return MISSING;
    }

    private static Patch withGate(String id, String domain, Gate gate) {
        return new Patch(id, domain, "Gated " + id, null, "Ann <ann@example.org>", null,
                List.of(FileChange.write("a.txt", "a\n")), null, List.of(gate), null);
    }

    private List<Violation> rejection(List<Event> es) {
        assertThat(types(es)).containsExactly("Submitted", "Rejected");
        return ((EventBody.Rejected) es.get(1).body()).violations();
    }

    @Test
    void probeOfAMissingProgramSaysItIsMissing() {
        assertThat(MISSING.available()).isFalse();
        assertThat(MISSING.reason()).contains("/nonexistent/patchbay-test/bwrap");
    }

    @Test
    void patchWithACommandGateIsRejectedWithHowToInstallBubblewrap() {
        contract.set(parse(SANDBOXED_AND_NOT));

        submit(withGate("g1", "main", Gate.command("check", List.of("true"))));

        assertThat(rejection(drainEvents())).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(SandboxRequirement.CODE);
            assertThat(v.message()).contains("apt-get install bubblewrap").contains("commands.sandbox: none")
                    .contains("/nonexistent/patchbay-test/bwrap");
        });
        assertThat(work.readValuesToList()).isEmpty();
    }

    @Test
    void patchWithACommandIsRejected() {
        contract.set(parse(SANDBOXED_AND_NOT));
        Patch p = new Patch("c1", "main", "Command", null, null, null, List.of(FileChange.write("a.txt", "a\n")),
                List.of(List.of("echo", "hi")), null, null);

        submit(p);

        assertThat(rejection(drainEvents())).extracting(Violation::code).containsExactly(SandboxRequirement.CODE);
    }

    @Test
    void requiredCommandGateOfTheContractCountsAsTheSandboxIsNeeded() {
        contract.set(parse(SANDBOXED_AND_NOT));

        submit(patch("r1", "guarded", "a.txt", "a\n"));

        assertThat(rejection(drainEvents())).extracting(Violation::code).containsExactly(SandboxRequirement.CODE);
    }

    @Test
    void patchThatStartsNoProcessRunsWithoutTheSandbox() {
        contract.set(parse(SANDBOXED_AND_NOT));

        submit(withGate("f1", "main", Gate.fileContains("mentions", "a.txt", "a")));

        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
    }

    @Test
    void domainThatTurnsTheSandboxOffKnowinglyStillRunsGates() {
        contract.set(parse(SANDBOXED_AND_NOT));

        submit(withGate("n1", "loose", Gate.command("check", List.of("true"))));

        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
    }
}
