package io.patchbay.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.Diff;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.patch.Risk;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaCheckTest {

    private static final SchemaCheck PATCH = SchemaCheck.of(SchemaCheck.PATCH, "patch");

    @Test
    void namesEveryProblemWithPointerAndLine() throws Exception {
        var problems = PATCH.check(SchemaCheck.read("""
                {"commands": [1, ["ok"], {"x": 1}],
                 "risk": "extreme",
                 "files": [{"path": "a", "colour": 1}, {"path": "b"}, {"content": "c"}],
                 "gates": [{"name": "g", "timeout": "soon", "run": ["true"]}, {"name": "h"}, {"run": ["x"], "fileContains": {"path": "a", "text": "b"}}]}
                """, false));
        assertThat(problems).extracting(SchemaCheck.Problem::pointer)
                .contains("/commands/0", "/commands/2", "/risk", "/files/0/colour", "/files/2", "/gates/0/timeout");
        assertThat(problems).filteredOn(p -> p.pointer().equals("/files/0/colour"))
                .singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(3));
    }

    @Test
    void theSchemaAcceptsEveryFieldOfACanonicalPatch() {
        var full = new Patch("p1", "main", "All fields", Risk.HIGH,
                "Ann <ann@example.org>", Diff.of("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"),
                List.of(FileChange.write("a", "x"),
                        FileChange.remove("b"),
                        FileChange.insertAfter("c", "x", "y"),
                        FileChange.insertBefore("d", "x", "y")),
                List.of(List.of("echo", "hi")),
                List.of(new Gate("unit", List.of("true"), "30s", null),
                        Gate.fileContains("notes", "a", "x")),
                new Patch.Expect("3f2a"),
                new Patch.Notes(List.of("works"), "revert", "S.md", "node-runner"));
        byte[] json = Json.bytes(full);

        assertThat(PatchReader.read(json,
                PatchReader.Format.JSON, null)).isEqualTo(full);
    }

    @Test
    void problemsOfABadContractCarryTheirLines() throws Exception {
        var problems = SchemaCheck.of(SchemaCheck.CONTRACT, "contract").check(SchemaCheck.read("""
                version: "1"
                domains:
                  main:
                    workspace: w
                    sla: {successRate: 2}
                """, true));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.pointer()).isEqualTo("/domains/main/sla/successRate");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.withDottedPath()).startsWith("domains.main.sla.successRate: ");
        });
    }
}
