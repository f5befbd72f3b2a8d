package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inserts after or before a text, as Node-runner mutations ask, applied by the worker. */
class FileInsertTest {

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.parse("""
            version: "t"
            domains:
              main: {workspace: ws/main}
            """.getBytes(StandardCharsets.UTF_8), "test");
    private Path tree;
    private PatchRunner runner;

    @BeforeEach
    void seed() throws Exception {
        tree = Workspaces.ensure(contract, home).get("main");
        Files.writeString(tree.resolve("routes.js"), "// routes\napp.get('/');\n// end\n");
        Files.write(tree.resolve("latin1.txt"), new byte[] {'a', (byte) 0xE9, '\n'});
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).call();
        }
        runner = new PatchRunner(home, () -> contract, Clock.systemUTC(), "worker-1");
    }

    private WorkResult run(FileChange... changes) throws InterruptedException {
        Patch p = new Patch("p1", "main", "Insert", null, null, null, List.of(changes), null, null, null);
        return runner.run(new WorkOrder("main", "p1", 1, p, Instant.now()), r -> { });
    }

    private String read(String name) throws Exception {
        return Files.readString(tree.resolve(name));
    }

    @Test
    void insertsAfterTheFirstOccurrenceOfTheAnchor() throws Exception {
        WorkResult r = run(FileChange.insertAfter("routes.js", "// routes\n", "app.get('/health');\n"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(read("routes.js")).isEqualTo("// routes\napp.get('/health');\napp.get('/');\n// end\n");
    }

    @Test
    void insertsBeforeTheAnchor() throws Exception {
        WorkResult r = run(FileChange.insertBefore("routes.js", "// end", "app.get('/last');\n"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(read("routes.js")).isEqualTo("// routes\napp.get('/');\napp.get('/last');\n// end\n");
    }

    @Test
    void insertsIntoAFileWrittenEarlierInTheSamePatch() throws Exception {
        WorkResult r = run(FileChange.write("new.js", "a\nb\n"), FileChange.insertAfter("new.js", "a\n", "x\n"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(read("new.js")).isEqualTo("a\nx\nb\n");
    }

    @Test
    void failsWithoutTouchingTheTreeWhenTheAnchorIsMissing() throws Exception {
        WorkResult r = run(FileChange.write("other.js", "x"),
                FileChange.insertAfter("routes.js", "// nowhere", "y"));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).contains("routes.js").contains("after").contains("not in the file");
        });
        assertThat(tree.resolve("other.js")).doesNotExist();
        assertThat(read("routes.js")).isEqualTo("// routes\napp.get('/');\n// end\n");
    }

    @Test
    void failsWhenTheFileDoesNotExist() throws Exception {
        WorkResult r = run(FileChange.insertBefore("missing.js", "x", "y"));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).contains("missing.js").contains("no such file");
        });
    }

    @Test
    void refusesToInsertIntoAFileThatIsNotUtf8() throws Exception {
        WorkResult r = run(FileChange.insertAfter("latin1.txt", "a", "b"));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, f -> {
            assertThat(f.failureClass()).isEqualTo(FailureClass.DOES_NOT_APPLY);
            assertThat(f.reason()).contains("not UTF-8");
        });
    }

    @Test
    void refusesAnInsertThatEscapesTheTree() throws Exception {
        WorkResult r = run(FileChange.insertAfter("../outside.txt", "a", "b"));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class,
                f -> assertThat(f.reason()).startsWith("refused").contains("PATH_TRAVERSAL"));
    }
}
