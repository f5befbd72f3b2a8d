package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.policy.Remote;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the worker says about a remote it cannot reach: the url without credentials, and why. */
class RemoteSyncTest {

    @TempDir
    Path dir;

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anUnreachableRemoteIsNamedWithoutItsCredentials() throws Exception {
        Remote remote = new Remote("http://bot:s3cret@127.0.0.1:" + closedPort() + "/app.git", "main", null);
        try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
            RemoteSync sync = new RemoteSync(remote, dir, Map.<String, String>of()::get);

            assertThatThrownBy(() -> sync.fetch(git.getRepository()))
                    .isInstanceOf(RemoteSync.Unreachable.class)
                    .hasMessageContaining("cannot fetch from the remote " + remote.displayUrl())
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("bot"));
        }
    }

    @Test
    void aMissingCredentialVariableIsNamedAndItsValueNeverShown() throws Exception {
        Remote remote = new Remote("http://127.0.0.1:" + closedPort() + "/app.git", "main",
                new Remote.Credentials("APP_GIT_TOKEN", null));
        try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
            RemoteSync sync = new RemoteSync(remote, dir, Map.<String, String>of()::get);

            assertThatThrownBy(() -> sync.fetch(git.getRepository()))
                    .isInstanceOf(RemoteSync.Unreachable.class)
                    .hasMessageContaining("the environment variable APP_GIT_TOKEN").hasMessageEndingWith("is not set");
        }
    }

    @Test
    void aCloneThatCannotReachItsRemoteLeavesNoRepositoryBehind() throws Exception {
        Remote remote = new Remote("git://127.0.0.1:" + closedPort() + "/app.git", "main", null);
        Path tree = dir.resolve("ws");

        assertThatThrownBy(() -> new RemoteSync(remote, dir, Map.<String, String>of()::get).cloneInto(tree))
                .isInstanceOf(RemoteSync.Unreachable.class);
        assertThat(Files.exists(tree.resolve(".git"))).isFalse();
    }
}
