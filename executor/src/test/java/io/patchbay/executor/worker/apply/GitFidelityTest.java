package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.executor.worker.TreeGuard;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fidelity with {@code git apply}: real repositories built with the git command line, patches made
 * by {@code git diff}, {@code git format-patch} and {@code diff -ruN} in their common dialects, each
 * applied through {@link DiffApplier} to one copy of the base tree and through {@code git apply} to
 * another, and the two trees compared file by file and byte by byte, permissions included.
 */
class GitFidelityTest {

    @TempDir
    static Path work;

    private static boolean git;
    private static boolean diff;
    private static int copies;

    /** How a patch is made from the fixture, and how git is told to apply it. */
    private interface Maker {
        byte[] make(Path repo, Path base, Path target) throws Exception;
    }

    record Variant(String name, boolean binary, Maker maker, List<String> gitApplyOptions, boolean reachesTarget) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void buildRepositories() throws Exception {
        git = Cli.available("git");
        diff = Cli.available("diff");
        if (!git) {
            return;
        }
        for (boolean binary : new boolean[] {true, false}) {
            Path repo = work.resolve(binary ? "full" : "text");
            Fixture.build(repo, binary);
            Fixture.checkout(repo, "base", repo.resolveSibling(repo.getFileName() + "-base"));
            Fixture.checkout(repo, "target", repo.resolveSibling(repo.getFileName() + "-target"));
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                gitDiff("git diff --binary with renames and copies", true,
                        "diff", "--binary", "-M", "-C", "--find-copies-harder", "base", "target"),
                gitDiff("git diff --binary without rename detection", true,
                        "diff", "--binary", "--no-renames", "base", "target"),
                gitDiff("git diff --binary --full-index", true, "diff", "--binary", "--full-index", "-M", "base",
                        "target"),
                gitDiff("git format-patch", true, "format-patch", "--stdout", "-M", "-C", "--find-copies-harder",
                        "base..target"),
                gitDiff("git diff --binary with unquoted unicode names", true,
                        "-c", "core.quotePath=false", "diff", "--binary", "-M", "base", "target"),
                new Variant("git diff --binary --no-prefix", true,
                        (repo, base, target) -> Cli.git(repo, "diff", "--binary", "-M", "--no-prefix", "base",
                                "target"),
                        List.of("-p0"), true),
                gitDiff("git diff --binary with orig/ and new/ prefixes", true,
                        "diff", "--binary", "-M", "-C", "--src-prefix=orig/", "--dst-prefix=new/", "base", "target"),
                gitDiff("git diff of text", false, "diff", "-M", "base", "target"),
                gitDiff("git diff -U1 of text", false, "diff", "-U1", "-M", "base", "target"),
                gitDiff("git diff -U10 of text", false, "diff", "-U10", "-M", "base", "target"),
                new Variant("diff -ruN with a/ b/ and timestamps", false,
                        (repo, base, target) -> diffRuN(base, target, "a", "b"), List.of(), false),
                new Variant("quilt with Index: lines", false,
                        (repo, base, target) -> quilt(diffRuN(base, target, "proj.orig", "proj")), List.of(), false),
                new Variant("diff -ruN without prefixes", false,
                        (repo, base, target) -> withoutPrefixes(diffRuN(base, target, "a", "b")), List.of("-p0"),
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void appliesExactlyAsGitApplyDoes(Variant v) throws Exception {
        assumeTrue(git, "git is not installed here: the fidelity tests compare with git apply");
        Path repo = work.resolve(v.binary() ? "full" : "text");
        Path base = work.resolve(repo.getFileName() + "-base");
        Path target = work.resolve(repo.getFileName() + "-target");
        byte[] patch = v.maker().make(repo, base, target);
        Path patchFile = work.resolve("patch-" + (++copies) + ".diff");
        Files.write(patchFile, patch);
        Path ours = fresh(base);
        Path theirs = fresh(base);

        ApplyPlan plan = new DiffApplier(new TreeGuard(ours)).apply(patch);
        var cmd = new ArrayList<>(List.of("git", "apply"));
        cmd.addAll(v.gitApplyOptions());
        cmd.add(patchFile.toString());
        Cli.Outcome reference = Cli.run(theirs, cmd.toArray(String[]::new));

        assertThat(reference.exitCode()).as("git apply: %s", reference.stderr()).isZero();
        Map<String, String> result = Trees.snapshot(ours);
        assertThat(result).isEqualTo(Trees.snapshot(theirs));
        assertThat(result).isNotEqualTo(Trees.snapshot(base));
        assertThat(plan.touchedPaths()).isNotEmpty();
        if (v.reachesTarget()) {
            assertThat(result).isEqualTo(Trees.snapshot(target));
        }
    }

    @Test
    void aBareDiffToALatin1FileAppliesByteForByteAsGitApplyDoes() throws Exception {
        assumeTrue(git, "git is not installed here: the fidelity tests compare with git apply");
        Path repo = work.resolve("latin1");
        Files.createDirectories(repo);
        Cli.git(repo, "init", "-q");
        Cli.git(repo, "config", "user.email", "t@example.org");
        Cli.git(repo, "config", "user.name", "T");
        byte[] before = {'c', 'a', 'f', (byte) 0xE9, '\n', 'n', 'a', (byte) 0xEF, 'v', 'e', '\n', 'e', 'n', 'd', '\n'};
        byte[] after = {'C', 'A', 'F', (byte) 0xC9, '\n', 'n', 'a', (byte) 0xEF, 'v', 'e', '\n', 'f', 'i', 'n', (byte) 0xA0,
            '\n'};
        Files.write(repo.resolve("menu.txt"), before);
        Cli.git(repo, "add", "menu.txt");
        Cli.git(repo, "commit", "-q", "-m", "base");
        Path base = work.resolve("latin1-base");
        Trees.copy(repo, base);
        Files.write(repo.resolve("menu.txt"), after);
        byte[] diff = Cli.git(repo, "diff");
        assertThat(new String(diff, StandardCharsets.ISO_8859_1)).contains("\u00e9");

        // Through the reader every channel uses, as a bare diff: the bytes must survive it.
        var patch = io.patchbay.contracts.patch.PatchReader.read(diff,
                io.patchbay.contracts.patch.PatchReader.Format.DIFF, "main");
        assertThat(patch.diff().bytes()).isEqualTo(diff);
        var json = io.patchbay.contracts.Json.bytes(patch);
        var again = io.patchbay.contracts.Json.read(json, io.patchbay.contracts.patch.Patch.class);
        Path ours = fresh(base);
        Path theirs = fresh(base);
        new DiffApplier(new TreeGuard(ours)).apply(again.diff().bytes());
        Path patchFile = work.resolve("latin1.diff");
        Files.write(patchFile, diff);
        Cli.Outcome reference = Cli.run(theirs, "git", "apply", patchFile.toString());

        assertThat(reference.exitCode()).as("git apply: %s", reference.stderr()).isZero();
        assertThat(Files.readAllBytes(ours.resolve("menu.txt"))).isEqualTo(after);
        assertThat(Trees.snapshot(ours)).isEqualTo(Trees.snapshot(theirs));
    }

    @Test
    void fixtureCoversEveryKindOfChange() throws Exception {
        assumeTrue(git, "git is not installed here: the fidelity tests compare with git apply");
        String patch = new String(Cli.git(work.resolve("full"), "diff", "--binary", "-M", "-C",
                "--find-copies-harder", "base", "target"), StandardCharsets.UTF_8);

        assertThat(patch).contains("\nrename from rename/edited.txt\n", "\nsimilarity index 100%\n", "\ncopy from ",
                "\nold mode 100644\nnew mode 100755\n", "\nold mode 100755\nnew mode 100644\n",
                "\ndeleted file mode 100644\n", "\\ No newline at end of file\n",
                "row 5 changed", "\r\n", "\nGIT binary patch\ndelta ", "\nGIT binary patch\nliteral ",
                "diff --git \"a/\\303\\274n", "diff --git a/docs/with space.txt b/docs/with space.txt",
                "\n+++ b/node/child.txt\n", "\n+++ b/leaf\n", "\n+++ b/deep/a/b/c/d/new.txt\n");
        assertThat(Files.size(work.resolve("full/data/large.txt"))).isGreaterThan(200_000);
    }

    // ---- patch makers -----------------------------------------------------------------------

    private static Variant gitDiff(String name, boolean binary, String... args) {
        return new Variant(name, binary, (repo, base, target) -> Cli.git(repo, args), List.of(), true);
    }

    /** {@code diff -ruN} between two copies named like the prefixes wanted. */
    private static byte[] diffRuN(Path base, Path target, String oldName, String newName) throws Exception {
        assumeTrue(diff, "GNU diff is not installed here");
        Path dir = Files.createTempDirectory(work, "diff");
        Trees.copy(base, dir.resolve(oldName));
        Trees.copy(target, dir.resolve(newName));
        Cli.Outcome o = Cli.run(dir, "diff", "-ruN", oldName, newName);
        assertThat(o.exitCode()).as("diff: %s", o.stderr()).isEqualTo(1);
        return o.stdout();
    }

    /** Turns each {@code diff -ruN} line into quilt's {@code Index:} header. */
    private static byte[] quilt(byte[] diffOutput) {
        var sb = new StringBuilder();
        for (String line : new String(diffOutput, StandardCharsets.UTF_8).split("\n", -1)) {
            if (line.startsWith("diff -ruN ")) {
                String name = line.substring(line.lastIndexOf(" proj/") + 1);
                sb.append("Index: ").append(name).append('\n')
                        .append("===================================================================\n");
            } else {
                sb.append(line).append('\n');
            }
        }
        return sb.substring(0, sb.length() - 1).getBytes(StandardCharsets.UTF_8);
    }

    /** Drops a/ and b/ (also inside quotes) from the two name lines that follow each {@code diff -ruN} line. */
    private static byte[] withoutPrefixes(byte[] diffOutput) {
        String[] lines = new String(diffOutput, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i + 2 < lines.length; i++) {
            if (lines[i].startsWith("diff -ruN ")) {
                lines[i + 1] = lines[i + 1].replaceFirst("^--- (\"?)a/", "--- $1");
                lines[i + 2] = lines[i + 2].replaceFirst("^\\+\\+\\+ (\"?)b/", "+++ $1");
            }
        }
        return String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
    }

    private static Path fresh(Path base) throws IOException {
        Path dir = work.resolve("tree-" + (++copies));
        Trees.copy(base, dir);
        return dir;
    }
}
