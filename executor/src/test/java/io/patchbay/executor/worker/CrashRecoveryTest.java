package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker killed mid-order leaves behind does not stop the next order. */
class CrashRecoveryTest {

    @TempDir
    Path home;

    @Test
    void staleGitLocksFromAKilledWorkerAreRemovedBeforeTheNextOrder() throws Exception {
        ExecutionContract contract = ContractLoader.parse(
                "version: '1'\ndomains:\n  main:\n    workspace: ws/main\n".getBytes(StandardCharsets.UTF_8), "test");
        Path tree = Workspaces.ensure(contract, home).get("main");
        String branch;
        try (Git git = Git.open(tree.toFile())) {
            branch = git.getRepository().getBranch();
        }
        // A run killed after it marked the tree as being changed.
        Files.writeString(tree.resolve(".git/" + RunMarker.NAME), "patch p0\nattempt 1\n");
        Files.writeString(tree.resolve(".git/index.lock"), "");
        Files.writeString(tree.resolve(".git/refs/heads/" + branch + ".lock"), "");
        Files.writeString(tree.resolve("half-written.txt"), "left by the crash");

        Patch patch = new Patch("p1", "main", "After a crash", null, null, null,
                List.of(FileChange.write("after.txt", "ok\n")), null, null, null);
        WorkResult result = new PatchRunner(home, () -> contract, Clock.systemUTC(), "w")
                .run(new WorkOrder("main", "p1", 1, patch, Instant.now()), r -> { });

        assertThat(result).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(tree.resolve(".git/index.lock")).doesNotExist();
        assertThat(tree.resolve("half-written.txt")).doesNotExist();
        assertThat(Files.readString(tree.resolve("after.txt"))).isEqualTo("ok\n");
        assertThat(tree.resolve(".git/" + RunMarker.NAME)).doesNotExist();
    }
}
