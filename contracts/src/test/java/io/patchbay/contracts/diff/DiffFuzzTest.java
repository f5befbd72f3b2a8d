package io.patchbay.contracts.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Diff;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Verdict;
import io.patchbay.contracts.policy.Verdicts;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile input for the diff reader and the verdict: real diffs with lines deleted, doubled, cut,
 * swapped for header-like lines and huge numbers, and plain random bytes. The reader may refuse
 * (with {@link DiffException}) but never throws anything else; the verdict always answers. Each
 * case is bounded by the input's size (a few KB), so the run stays short.
 */
class DiffFuzzTest {

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "fuzz"
            domains:
              main:
                workspace: var/workspaces/main
                submitters: {tokens: [ci]}
                paths: {allow: ["**"], deny: ["secrets/**"]}
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static final List<String> HEADER_LINES = List.of(
            "diff --git a/x b/x", "diff --git a/ b/ b/ b/", "--- a/secrets/prod.env", "+++ b/secrets/prod.env",
            "--- /dev/null", "+++ /dev/null", "@@ -99999999999,1 +1 @@", "@@ -1,2147483647 +1,2147483647 @@",
            "@@ -0,0 +1 @@", "rename from ../../etc/passwd", "rename to secrets/x", "copy from a", "copy to b",
            "new file mode 100644", "deleted file mode 100644", "old mode 100644", "new mode 120000",
            "index 0000000..1111111 100644", "GIT binary patch", "literal 2147483647", "delta 99999999999",
            "literal 5", "zcmV+b0RR6000031", "Binary files a/x and b/x differ", "\\ No newline at end of file",
            "diff --git \"a/\\303\\251\" \"b/\\303\\251\"", "Index: x", "--- x\t1970-01-01 00:00:00.000000000 +0000",
            "similarity index 100%", "", " ", "-", "+");

    @Provide
    Arbitrary<byte[]> mutatedDiffs() {
        Arbitrary<String> base = Arbitraries.of(SampleDiffs.all());
        Arbitrary<List<Mutation>> mutations = mutation().list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(base, mutations).as(DiffFuzzTest::mutate);
    }

    private record Mutation(int kind, int at, int other, String line, byte flip) {}

    private static Arbitrary<Mutation> mutation() {
        return Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 200), Arbitraries.of(HEADER_LINES),
                Arbitraries.bytes()).as(Mutation::new);
    }

    private static byte[] mutate(String diff, List<Mutation> mutations) {
        var lines = new ArrayList<>(List.of(diff.split("\n", -1)));
        for (Mutation m : mutations) {
            int at = m.at() % Math.max(lines.size(), 1);
            switch (m.kind()) {
                case 0 -> {
                    if (!lines.isEmpty()) {
                        lines.remove(at);
                    }
                }
                case 1 -> lines.add(at, lines.isEmpty() ? "" : lines.get(at));
                case 2 -> lines.add(at, m.line());
                case 3 -> lines.set(at < lines.size() ? at : 0, m.line());
                case 4 -> {
                    if (!lines.isEmpty()) {
                        String l = lines.get(at);
                        lines.set(at, l.substring(0, Math.min(l.length(), m.other() % (l.length() + 1))));
                    }
                }
                case 5 -> {
                    if (!lines.isEmpty()) {
                        String l = lines.get(at);
                        lines.set(at, l.replaceAll("[0-9]+", "9".repeat(1 + m.other() % 25)));
                    }
                }
                default -> {
                    if (lines.size() > 1) {
                        lines.add(m.other() % lines.size(), lines.remove(at));
                    }
                }
            }
        }
        byte[] out = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        // One flipped byte, somewhere, on every mutated diff.
        if (out.length > 0 && !mutations.isEmpty()) {
            Mutation last = mutations.get(mutations.size() - 1);
            out[(last.at() * 31 + last.other()) % out.length] ^= last.flip();
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        Arbitrary<byte[]> any = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
        Arbitrary<byte[]> texty = Arbitraries.strings().withChars("-+@ ab/\n\t\"\\0123456789,diffgt")
                .ofMaxLength(2048).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(any, texty);
    }

    @Property(tries = 4000)
    void theReaderReadsOrRefusesAMutatedDiff(@ForAll("mutatedDiffs") byte[] diff) {
        readOrRefuse(diff);
    }

    @Property(tries = 3000)
    void theReaderReadsOrRefusesRandomBytes(@ForAll("randomBytes") byte[] diff) {
        readOrRefuse(diff);
    }

    @Property(tries = 3000)
    void theVerdictAlwaysAnswersAndNeverPassesAnUnreadableDiff(@ForAll("mutatedDiffs") byte[] diff) {
        Patch patch = new Patch(null, "main", "t", null, null, Diff.of(diff), null, null, null, null, null);
        Verdict v = Verdicts.judge(patch, Submitter.http("ci"), CONTRACT, Instant.EPOCH);
        boolean readable;
        List<String> paths = List.of();
        try {
            paths = DiffReader.read(diff).touchedPaths();
            readable = true;
        } catch (DiffException e) {
            readable = false;
        }
        if (!readable || diff.length == 0) {
            assertThat(v.allowed()).isFalse();
        }
        if (paths.stream().anyMatch(p -> p.startsWith("secrets/"))) {
            assertThat(v.allowed()).isFalse();
        }
    }

    private static void readOrRefuse(byte[] diff) {
        try {
            ParsedDiff parsed = DiffReader.read(diff);
            assertThat(parsed.files()).isNotEmpty();
            for (String path : parsed.touchedPaths()) {
                assertThat(path.length()).isLessThanOrEqualTo(DiffReader.MAX_PATH_BYTES);
            }
        } catch (DiffException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
