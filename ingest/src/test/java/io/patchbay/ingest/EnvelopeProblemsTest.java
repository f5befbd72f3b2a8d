package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeProblemsTest {

    private static PatchFormatException read(String text, Format format) {
        return catchThrowableOfType(PatchFormatException.class,
                () -> SubmissionReader.read(text.getBytes(StandardCharsets.UTF_8), format, "main"));
    }

    @Test
    void reportsProblemsInArrayElementsAtTheirOriginalIndices() {
        var e = read("""
                {"commands": [1, ["ok"], {"x": 1}],
                 "files": [{"path": "a", "colour": 1}, {"path": "b"}, {"path": "c", "mode": "x"}]}
                """, Format.JSON);

        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/commands/0:"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/commands/2:"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/files/0/colour:"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/files/2/mode:"));
    }

    @Test
    void reportsEveryProblemOfAYamlEnvelope() {
        var e = read("""
                domain: main
                risk: extreme
                gates:
                  - {name: unit, run: ["mvn", "test"], timout: 5m}
                """, Format.YAML);

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/risk"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/gates/0/timout"));
    }

    @Test
    void reportsASyntaxErrorOnce() {
        var e = read("{\"domain\": \"main\", ", Format.JSON);

        assertThat(e.problems()).hasSize(1);
    }
}
