package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.executor.worker.TreeGuard;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** For random files a and random edits b: applying diff(a, b) to a yields exactly b. */
class DiffRoundTripPropertyTest {

    /** A file as lines, each with its own line ending, and whether the last line ends at all. */
    record Text(List<String> lines, boolean finalNewline) {

        byte[] bytes() {
            var out = new ByteArrayOutputStream();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (i == lines.size() - 1 && !finalNewline) {
                    line = line.substring(0, line.length() - (line.endsWith("\r\n") ? 2 : 1));
                }
                out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        }

        Text edited(List<Edit> edits, boolean flipFinalNewline) {
            var l = new ArrayList<>(lines);
            for (Edit e : edits) {
                int at = l.size() * e.percent() / 100;
                for (int i = 0; i < e.delete() && at < l.size(); i++) {
                    l.remove(at);
                }
                l.addAll(at, e.insert());
            }
            return new Text(l, flipFinalNewline != finalNewline);
        }
    }

    /** At a relative position, delete some lines and insert others. */
    record Edit(int percent, int delete, List<String> insert) {}

    @Property(tries = 200)
    void applyingTheDiffOfAToBTurnsAIntoB(@ForAll("texts") Text a, @ForAll("edits") List<Edit> edits,
            @ForAll boolean flipFinalNewline, @ForAll @IntRange(min = 1, max = 5) int context) throws Exception {
        byte[] before = a.bytes();
        byte[] after = a.edited(edits, flipFinalNewline).bytes();
        byte[] diff = UnifiedDiffs.of(before, after, context);
        if (diff.length == 0) {
            assertThat(after).isEqualTo(before);
            return;
        }
        Path dir = Files.createTempDirectory("roundtrip");
        try {
            Files.write(dir.resolve("f.txt"), before);

            new DiffApplier(new TreeGuard(dir)).apply(diff);

            assertThat(Files.readAllBytes(dir.resolve("f.txt"))).as(new String(diff, StandardCharsets.UTF_8))
                    .isEqualTo(after);
        } finally {
            delete(dir);
        }
    }

    @Provide
    Arbitrary<Text> texts() {
        return Combinators.combine(lines().list().ofMaxSize(40), Arbitraries.of(true, false)).as(Text::new);
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        return Combinators.combine(Arbitraries.integers().between(0, 100), Arbitraries.integers().between(0, 4),
                lines().list().ofMaxSize(4)).as(Edit::new).list().ofMinSize(1).ofMaxSize(5);
    }

    /** Lines that look like diff syntax too, mostly LF, some CRLF. */
    private static Arbitrary<String> lines() {
        Arbitrary<String> content = Arbitraries.oneOf(
                Arbitraries.of("alpha", "beta", "gamma", "", "  indented", "tab\tinside", "ünïcødé ✓", "x",
                        "-dash", "+plus", " space", "\\ backslash", "@@ -1 +1 @@", "--- a/f.txt", "+++ b/f.txt",
                        "diff --git a/f.txt b/f.txt", "trailing blank "),
                Arbitraries.strings().withCharRange('a', 'e').ofMaxLength(3));
        Arbitrary<String> ending = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("\n")), net.jqwik.api.Tuple.of(2, Arbitraries.just("\r\n")));
        return Combinators.combine(content, ending).as(String::concat);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
