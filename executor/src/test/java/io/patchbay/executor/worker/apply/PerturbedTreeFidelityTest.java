package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.executor.worker.TreeGuard;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A diff made for one version of a file, applied to a file that has since moved on (lines
 * inserted above and between the hunks, sometimes a line changed under a hunk): the applier must
 * reach git apply's verdict every time, the same bytes when it applies and a refusal when git
 * refuses. Few distinct lines make the same text appear in many places, so where the search looks
 * first matters.
 */
class PerturbedTreeFidelityTest {

    private static final boolean GIT = Cli.available("git");
    private static final String[] VOCABULARY = {"a", "b", "c", "", "{", "}", "return x;"};

    @TempDir
    Path work;

    static Stream<Long> seeds() {
        return LongStream.rangeClosed(1, 100).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reachesGitApplysVerdictOnAMovedOnFile(long seed) throws Exception {
        assumeTrue(GIT, "git is not installed here: this test compares with git apply");
        var random = new Random(seed);
        List<String> original = lines(random, 10 + random.nextInt(50));
        boolean eol = random.nextInt(4) > 0;
        byte[] diff = new byte[0];
        while (diff.length == 0) {
            boolean editedEol = random.nextInt(4) > 0 ? eol : !eol;
            diff = UnifiedDiffs.of(join(original, eol), join(edit(random, original), editedEol), 1 + random.nextInt(4));
        }
        byte[] moved = join(moveOn(random, original), eol);

        String ours = ours(moved, diff);
        String git = git(moved, diff);

        assertThat(ours).as(new String(diff, StandardCharsets.UTF_8)).isEqualTo(git);
    }

    private String ours(byte[] file, byte[] diff) throws Exception {
        Path dir = Files.createDirectory(work.resolve("ours"));
        Files.write(dir.resolve("f.txt"), file);
        try {
            new DiffApplier(new TreeGuard(dir)).apply(diff);
            return "applied " + HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("f.txt")));
        } catch (ApplyException e) {
            return "refused";
        }
    }

    private String git(byte[] file, byte[] diff) throws Exception {
        Path dir = Files.createDirectory(work.resolve("git"));
        Files.write(dir.resolve("f.txt"), file);
        Path patch = work.resolve("patch.diff");
        Files.write(patch, diff);
        if (Cli.run(dir, "git", "apply", patch.toString()).exitCode() != 0) {
            return "refused";
        }
        return "applied " + HexFormat.of().formatHex(Files.readAllBytes(dir.resolve("f.txt")));
    }

    private static List<String> lines(Random random, int n) {
        var out = new ArrayList<String>();
        for (int i = 0; i < n; i++) {
            out.add(line(random));
        }
        return out;
    }

    private static String line(Random random) {
        return VOCABULARY[random.nextInt(VOCABULARY.length)] + (random.nextInt(6) == 0 ? "\r\n" : "\n");
    }

    private static List<String> edit(Random random, List<String> lines) {
        var out = new ArrayList<>(lines);
        for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
            int at = random.nextInt(out.size() + 1);
            for (int d = random.nextInt(3); d > 0 && at < out.size(); d--) {
                out.remove(at);
            }
            for (int i = random.nextInt(3); i > 0; i--) {
                out.add(at, line(random));
            }
        }
        return out;
    }

    /** Lines inserted at random places, and now and then one line changed. */
    private static List<String> moveOn(Random random, List<String> lines) {
        var out = new ArrayList<>(lines);
        for (int i = random.nextInt(6); i > 0; i--) {
            out.add(random.nextInt(out.size() + 1), "inserted " + i + "\n");
        }
        if (random.nextInt(3) == 0 && !out.isEmpty()) {
            out.set(random.nextInt(out.size()), "changed under the diff\n");
        }
        return out;
    }

    private static byte[] join(List<String> lines, boolean finalNewline) {
        var out = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i == lines.size() - 1 && !finalNewline) {
                l = l.substring(0, l.length() - (l.endsWith("\r\n") ? 2 : 1));
            }
            out.writeBytes(l.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
