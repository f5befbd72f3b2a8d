package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;

/**
 * For random trees and random edits (new, changed, removed and executable files, nested folders,
 * a folder's last file removed, a file turned into a folder and back, names that sort around '/'
 * such as {@code a.b}, {@code a-b} and {@code a/b}), the tree written along the changed paths is
 * the tree git writes from the whole index.
 */
class ChangedTreesPropertyTest {

    /** Names chosen to sort on either side of '/' (0x2f): '-' and '.' before it, '0' and '_' after. */
    private static final List<String> NAMES = List.of("a", "b", "a.b", "a-b", "a0", "a_b", "ab", "A", "é");

    /** A file's content and whether it is executable. */
    record File(String content, boolean executable) {}

    /** What happens to a file of the base: kept, changed, removed, or its executable bit flipped. */
    enum Fate { KEEP, CHANGE, REMOVE, FLIP }

    /** A base tree and the tree after the edits, both as path → file. */
    record Case(Map<String, File> base, Map<String, File> after) {

        List<String> changedPaths() {
            var paths = new java.util.TreeSet<String>();
            base.forEach((p, f) -> {
                if (!f.equals(after.get(p))) {
                    paths.add(p);
                }
            });
            after.forEach((p, f) -> {
                if (!f.equals(base.get(p))) {
                    paths.add(p);
                }
            });
            return List.copyOf(paths);
        }
    }

    // ---- in memory: against JGit's whole-index tree, many cases -------------------------------

    @Property(tries = 400)
    void treeAlongChangedPathsIsTheTreeOfTheWholeIndex(@ForAll("cases") Case c) throws Exception {
        try (InMemoryRepository repo = new InMemoryRepository(new DfsRepositoryDescription("t"));
                ObjectInserter ins = repo.newObjectInserter();
                ObjectReader reader = repo.newObjectReader()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (var e : c.base().entrySet()) {
                builder.add(entry(e.getKey(), e.getValue(), ins));
            }
            builder.finish();
            ObjectId baseTree = index.writeTree(ins);
            ins.flush();

            List<ChangedTrees.Change> changes = new ArrayList<>();
            DirCacheEditor editor = index.editor();
            for (String p : c.changedPaths()) {
                File f = c.after().get(p);
                if (f == null) {
                    changes.add(ChangedTrees.Change.removed(p));
                    editor.add(new DirCacheEditor.DeletePath(p));
                } else {
                    DirCacheEntry e = entry(p, f, ins);
                    changes.add(new ChangedTrees.Change(p, e.getFileMode(), e.getObjectId()));
                    editor.add(new DirCacheEditor.PathEdit(p) {
                        @Override
                        public void apply(DirCacheEntry ent) {
                            ent.setFileMode(e.getFileMode());
                            ent.setObjectId(e.getObjectId());
                        }
                    });
                }
            }
            editor.finish();
            ObjectId wholeIndex = index.writeTree(ins);

            assertThat(ChangedTrees.write(reader, ins, baseTree, changes)).as("%s", c).isEqualTo(wholeIndex);
        }
    }

    @Example
    void sortsAFolderAsIfItsNameEndedInASlash() throws Exception {
        File f = new File("x\n", false);
        treeAlongChangedPathsIsTheTreeOfTheWholeIndex(new Case(Map.of("a/x", f, "a.b", f, "a-b", f, "a0", f),
                Map.of("a/x", new File("y\n", false), "a.b", f, "a-b", f, "a0", f)));
    }

    private static DirCacheEntry entry(String path, File f, ObjectInserter ins) throws IOException {
        DirCacheEntry e = new DirCacheEntry(path);
        e.setFileMode(f.executable() ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
        e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.content().getBytes(StandardCharsets.UTF_8)));
        return e;
    }

    // ---- on disk: the worker's commit against git itself ----------------------------------------

    /**
     * The worker's commit of the changed files has the tree {@code git write-tree} writes, and leaves
     * an index that {@code git status} finds clean against the commit and the files (so its stat data
     * is right and no file needs reading again).
     */
    @Property(tries = 40)
    void workersCommitIsGitsTreeAndLeavesTheIndexClean(@ForAll("cases") Case c) throws Exception {
        Path dir = Files.createTempDirectory("changed-trees");
        try {
            git(dir, "init", "-q", "-b", "main");
            write(dir, c.base());
            git(dir, "add", "-A");
            git(dir, "commit", "-q", "--allow-empty", "-m", "base");
            try (GitWorkspace ws = GitWorkspace.open(dir)) {
                ObjectId base = ws.head();
                for (String p : c.changedPaths()) {
                    if (!c.after().containsKey(p)) {
                        Files.deleteIfExists(dir.resolve(p));
                    }
                }
                Map<String, File> changed = new TreeMap<>(c.after());
                changed.keySet().retainAll(c.changedPaths());
                write(dir, changed);

                RevCommit commit = ws.commit(base, c.changedPaths(), "edits\n",
                        new PersonIdent("Ann", "ann@example.org"), Workspaces.PATCHBAY);

                assertThat(git(dir, "status", "--porcelain=v1", "--untracked-files=all")).as("%s", c).isEmpty();
                assertThat(git(dir, "write-tree").strip()).as("%s", c).isEqualTo(commit.getTree().name());
                git(dir, "add", "-A");
                assertThat(git(dir, "write-tree").strip()).as("%s", c).isEqualTo(commit.getTree().name());
            }
        } finally {
            delete(dir);
        }
    }

    private static void write(Path dir, Map<String, File> files) throws IOException {
        for (var e : files.entrySet()) {
            Path p = dir.resolve(e.getKey());
            // A removed file may leave its name to a folder, and a folder emptied of files to a file.
            for (Path up = p.getParent(); !up.equals(dir); up = up.getParent()) {
                if (Files.isRegularFile(up)) {
                    Files.delete(up);
                }
            }
            if (Files.isDirectory(p)) {
                delete(p);
            }
            Files.createDirectories(p.getParent());
            Files.writeString(p, e.getValue().content());
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(e.getValue().executable() ? "rwxr-xr-x"
                    : "rw-r--r--"));
        }
    }

    private static String git(Path dir, String... args) throws Exception {
        var argv = new ArrayList<String>(List.of("git", "-c", "user.name=T", "-c", "user.email=t@localhost",
                "-c", "core.quotePath=false"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---- the cases ------------------------------------------------------------------------------

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> path = Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("/", l));
        Arbitrary<File> file = Combinators.combine(Arbitraries.strings().withChars("xyz\n").ofMaxLength(6),
                Arbitraries.of(true, false)).as(File::new);
        Arbitrary<List<Map.Entry<String, File>>> files = Combinators.combine(path, file).as(Map::entry).list()
                .ofMinSize(1).ofMaxSize(14);
        return Combinators.combine(files, Arbitraries.of(Fate.class).list().ofSize(14), files)
                .as(ChangedTreesPropertyTest::caseOf);
    }

    private static Case caseOf(List<Map.Entry<String, File>> baseFiles, List<Fate> fates,
            List<Map.Entry<String, File>> added) {
        Map<String, File> base = new TreeMap<>();
        for (var e : baseFiles) {
            if (fits(base, e.getKey())) {
                base.put(e.getKey(), e.getValue());
            }
        }
        Map<String, File> after = new TreeMap<>();
        int i = 0;
        for (var e : base.entrySet()) {
            File f = e.getValue();
            switch (fates.get(i++ % fates.size())) {
                case KEEP -> after.put(e.getKey(), f);
                case CHANGE -> after.put(e.getKey(), new File(f.content() + "changed\n", f.executable()));
                case FLIP -> after.put(e.getKey(), new File(f.content(), !f.executable()));
                case REMOVE -> { }
            }
        }
        for (var e : added) {
            if (fits(after, e.getKey())) {
                after.put(e.getKey(), e.getValue());
            }
        }
        return new Case(base, after);
    }

    /** Whether a file can be at that path beside the others: no file where a folder is, or the reverse. */
    private static boolean fits(Map<String, File> files, String path) {
        for (String p : files.keySet()) {
            if (p.startsWith(path + "/") || path.startsWith(p + "/")) {
                return false;
            }
        }
        return true;
    }
}
