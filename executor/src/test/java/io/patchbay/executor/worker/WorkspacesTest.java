package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.loadDefault();

    @Test
    void createsEveryDomainAsARepositoryWithAReadmeCommit() throws Exception {
        Map<String, Path> trees = Workspaces.ensure(contract, home);

        assertThat(trees).containsOnlyKeys("main", "ops");
        assertThat(trees.get("main")).isEqualTo(home.resolve("var/workspaces/main"));
        for (var e : trees.entrySet()) {
            assertThat(Files.readString(e.getValue().resolve("README.md"))).startsWith("# " + e.getKey() + "\n");
            try (Git git = Git.open(e.getValue().toFile())) {
                assertThat(git.log().call()).hasSize(1);
                assertThat(git.status().call().isClean()).isTrue();
            }
        }
    }

    @Test
    void leavesAnExistingWorkspaceAlone() throws Exception {
        Path main = Workspaces.ensure(contract, home).get("main");
        Files.writeString(main.resolve("README.md"), "edited by hand\n");
        RevCommit before;
        try (Git git = Git.open(main.toFile())) {
            before = git.log().call().iterator().next();
        }

        Workspaces.ensure(contract, home);

        assertThat(Files.readString(main.resolve("README.md"))).isEqualTo("edited by hand\n");
        try (Git git = Git.open(main.toFile())) {
            // A RevWalk iterates once: copy it before asserting on it.
            var log = new java.util.ArrayList<RevCommit>();
            git.log().call().forEach(log::add);
            assertThat(log).singleElement().isEqualTo(before);
        }
    }

    @Test
    void folderWithFilesButNoRepositoryKeepsItsFilesInTheFirstCommit() throws Exception {
        Path ops = home.resolve("var/workspaces/ops");
        Files.createDirectories(ops);
        Files.writeString(ops.resolve("config.yml"), "a: 1\n");

        Workspaces.ensure(contract, home);

        try (Git git = Git.open(ops.toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
            assertThat(git.log().call()).hasSize(1);
        }
        assertThat(Files.readString(ops.resolve("config.yml"))).isEqualTo("a: 1\n");
    }
}
