package io.patchbay.contracts.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A bad envelope gets every problem at once, each with its JSON pointer and line. */
class EnvelopeProblemsTest {

    private static PatchFormatException problems(String text, PatchReader.Format format) {
        return catchThrowableOfType(PatchFormatException.class,
                () -> PatchReader.read(text.getBytes(StandardCharsets.UTF_8), format, "main"));
    }

    @Test
    void reportsEveryProblemOfAJsonEnvelopeWithItsPointer() {
        var e = problems("""
                {"commands": [1, ["ok"], {"x": 1}],
                 "files": [{"path": "a", "colour": 1}, {"path": "b"}, {"path": "c", "mode": "x"}]}
                """, PatchReader.Format.JSON);

        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/commands/0: expected a list"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/commands/2: expected a list"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .isEqualTo("/files/0/colour: 'colour' is not a patch field (line 2)"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("/files/2/mode:"));
    }

    @Test
    void reportsEveryProblemOfAYamlEnvelopeWithItsLine() {
        var e = problems("""
                domain: main
                risk: extreme
                gates:
                  - {name: unit, run: ["mvn", "test"], timout: 5m}
                  - {name: notes}
                  - {name: both, run: ["true"], fileContains: {path: a, text: b}, timeout: soon}
                """, PatchReader.Format.YAML);

        assertThat(e.problems()).containsExactly(
                "/risk: expected one of low, medium, high, critical, found 'extreme' (line 2)",
                "/gates/0/timout: 'timout' is not a patch field (line 4)",
                "/gates/1: a gate needs 'run' (a command) or 'fileContains' (a file check) (line 5)",
                "/gates/2: a gate either runs a command ('run') or checks a file ('fileContains'), not both (line 6)",
                "/gates/2/timeout: 'soon' is not a duration; write it like 500ms, 30s, 5m, 2h or 1d (line 6)");
    }

    @Test
    void refusesAFileChangeThatIsTwoThingsAtOnce() {
        var e = problems("""
                {"files": [{"path": "a", "content": "x", "insertAfter": "b", "insertBefore": "c"},
                           {"path": "b", "delete": true, "insertAfter": "b"}]}
                """, PatchReader.Format.JSON);

        assertThat(e.problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("one of them"));
    }

    @Test
    void reportsASyntaxErrorOnceWithItsLine() {
        var e = problems("{\"domain\": \"main\",\n \"title\": }", PatchReader.Format.JSON);

        assertThat(e.problems()).singleElement().asString().startsWith("line 2:");
    }

    @Test
    void refusesAnEnvelopeThatIsNotAnObject() {
        assertThat(problems("[1, 2]", PatchReader.Format.JSON).problems())
                .containsExactly("/: expected an object, found a list (line 1)");
        assertThat(problems("just text", PatchReader.Format.YAML).problems())
                .singleElement().asString().startsWith("/: expected an object");
    }

    @Test
    void readsInsertsInAnEnvelope() {
        Patch p = PatchReader.read("""
                {"domain": "main", "files": [{"path": "a.txt", "insertAfter": "x", "content": "y"}]}
                """.getBytes(StandardCharsets.UTF_8), PatchReader.Format.JSON, null);

        assertThat(p.files()).containsExactly(FileChange.insertAfter("a.txt", "x", "y"));
    }
}
