package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.executor.worker.TreeGuard;
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

/**
 * The applier on mutated real diffs and random bytes, against a small real tree: it applies, or
 * refuses with {@link ApplyException} or {@link TreeGuard.Escape}, and nothing else escapes; a
 * refusal leaves the tree as it was.
 */
class DiffApplierFuzzTest {

    private static final String DIFFS = """
            diff --git a/src/app.txt b/src/app.txt
            index 3b18e51..a042389 100644
            --- a/src/app.txt
            +++ b/src/app.txt
            @@ -1,3 +1,3 @@
             one
            -two
            +TWO
             three
            diff --git a/docs/old.md b/docs/new.md
            similarity index 90%
            rename from docs/old.md
            rename to docs/new.md
            --- a/docs/old.md
            +++ b/docs/new.md
            @@ -1 +1 @@
            -old
            +new
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -bye
            diff --git a/run.sh b/run.sh
            old mode 100644
            new mode 100755
            """;

    private static final String TRADITIONAL = """
            --- src/app.txt\t2026-11-23 10:00:00.000000000 +0000
            +++ src/app.txt\t2026-11-23 10:05:00.000000000 +0000
            @@ -2,2 +2,2 @@
            -two
            +2
             three
            """;

    private static final List<String> INSERTS = List.of("diff --git a/x b/x", "--- a/../../etc/passwd",
            "+++ b/.git/config", "--- /dev/null", "+++ /dev/null", "@@ -99999999999,1 +1 @@", "@@ -1,2147483647 +1 @@",
            "@@ -0,0 +1 @@", "rename to ../out", "copy from src/app.txt", "copy to src/copy.txt", "new mode 120000",
            "new file mode 160000", "GIT binary patch", "literal 2147483647", "delta 5", "zcmV+b0RR6000031",
            "\\ No newline at end of file", "", " ", "+", "-");

    @Provide
    Arbitrary<byte[]> diffs() {
        Arbitrary<byte[]> mutated = Combinators.combine(Arbitraries.of(DIFFS, TRADITIONAL),
                Arbitraries.integers().between(0, 4).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.integers().between(0, 60).list().ofSize(4), Arbitraries.of(INSERTS))
                .as(DiffApplierFuzzTest::mutate);
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(512);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, mutated), net.jqwik.api.Tuple.of(1, random));
    }

    private static byte[] mutate(String diff, List<Integer> kinds, List<Integer> spots, String insert) {
        var lines = new ArrayList<>(List.of(diff.split("\n", -1)));
        int n = 0;
        for (int kind : kinds) {
            int at = spots.get(n++ % spots.size()) % lines.size();
            switch (kind) {
                case 0 -> {
                    if (lines.size() > 1) {
                        lines.remove(at);
                    }
                }
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> lines.add(at, insert);
                case 3 -> lines.set(at, insert);
                default -> {
                    String l = lines.get(at);
                    lines.set(at, l.isEmpty() ? "\u00e9" : l.substring(1));
                }
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    @Property(tries = 400)
    void appliesOrRefusesAndARefusalChangesNothing(@ForAll("diffs") byte[] diff) throws Exception {
        Path tree = Files.createTempDirectory("fuzz-tree");
        try {
            seed(tree);
            var before = Trees.snapshot(tree);
            try {
                ApplyPlan plan = new DiffApplier(new TreeGuard(tree)).apply(diff);
                assertThat(plan.touchedPaths()).isNotEmpty();
            } catch (ApplyException | TreeGuard.Escape refused) {
                assertThat(refused.getMessage()).isNotBlank();
                assertThat(Trees.snapshot(tree)).isEqualTo(before);
            }
        } finally {
            delete(tree);
        }
    }

    private static void seed(Path tree) throws IOException {
        Files.createDirectories(tree.resolve("src"));
        Files.createDirectories(tree.resolve("docs"));
        Files.writeString(tree.resolve("src/app.txt"), "one\ntwo\nthree\n");
        Files.writeString(tree.resolve("docs/old.md"), "old\n");
        Files.writeString(tree.resolve("gone.txt"), "bye\n");
        Files.writeString(tree.resolve("run.sh"), "echo\n");
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
