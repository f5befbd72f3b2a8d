package io.patchbay.contracts.schema;

import static org.assertj.core.api.Assertions.assertThat;

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
}
