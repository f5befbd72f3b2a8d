package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.policy.Remote;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A domain on an ssh remote, served by a real OpenSSH server on 127.0.0.1 that the test starts with
 * its own host key and authorized key: clone, fetch and push with the contract's key, and refusals
 * for an unknown host, a changed host key, a key the server does not know and a missing key.
 *
 * <p>Needs {@code /usr/sbin/sshd} (Debian's openssh-server, which CI installs) and root, since sshd
 * only serves other accounts than its own when it runs as root.
 */
class SshRemoteTest {

    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    @TempDir
    static Path server;

    @TempDir
    Path home;

    private static Process sshd;
    private static int port;
    private static Path bare;
    private static String hostKeyLine;

    @BeforeAll
    static void startSshd() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SSHD), "OpenSSH's sshd is not installed (apt-get install openssh-server)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "sshd serves git over ssh here only when the test runs as root");
        // sshd's privilege separation directory; Debian makes it when the service starts, which it never did here.
        Files.createDirectories(Path.of("/run/sshd"));
        run(server, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", server.resolve("host_key").toString());
        run(server, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-C", "patchbay deploy key", "-f", server.resolve("client_key").toString());
        Files.copy(server.resolve("client_key.pub"), server.resolve("authorized_keys"));
        bare = server.resolve("app.git");
        run(server, "git", "init", "-q", "--bare", "-b", "main", bare.toString());
        Path seed = server.resolve("seed");
        run(server, "git", "init", "-q", "-b", "main", seed.toString());
        Files.writeString(seed.resolve("README"), "seed\n");
        run(seed, "git", "add", "README");
        run(seed, "git", "-c", "user.name=Seed", "-c", "user.email=seed@example.invalid", "commit", "-q", "-m", "seed");
        run(seed, "git", "push", "-q", bare.toString(), "main");

        port = freePort();
        Path config = server.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + server.resolve("host_key"),
                "AuthorizedKeysFile " + server.resolve("authorized_keys"),
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "UsePAM no",
                "PidFile " + server.resolve("sshd.pid"),
                ""));
        sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(server.resolve("sshd.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            if (!sshd.isAlive()) {
                throw new IllegalStateException("sshd exited: " + Files.readString(server.resolve("sshd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        String[] pub = Files.readString(server.resolve("host_key.pub")).strip().split(" ");
        hostKeyLine = "[127.0.0.1]:" + port + " " + pub[0] + " " + pub[1] + "\n";
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @BeforeEach
    void secrets() throws IOException {
        Files.createDirectories(home.resolve("var/secrets"));
        Files.copy(server.resolve("client_key"), home.resolve("var/secrets/deploy_key"));
    }

    private static Remote remote(Remote.Credentials credentials) {
        return new Remote("ssh://root@127.0.0.1:" + port + bare, "main", credentials);
    }

    private static Remote withKeyFile() {
        return remote(new Remote.Credentials(null, "var/secrets/deploy_key"));
    }

    private void trustServer() throws IOException {
        Files.writeString(home.resolve("var/secrets/known_hosts"), hostKeyLine);
    }

    @Test
    void aDomainIsClonedFetchedAndPushedOverSshWithTheContractsKey() throws Exception {
        trustServer();
        RemoteSync sync = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);
        Path tree = home.resolve("var/workspaces/app");

        sync.cloneInto(tree);

        assertThat(tree.resolve("README")).hasContent("seed");
        try (Git git = Git.open(tree.toFile())) {
            Files.writeString(tree.resolve("NOTES"), "from patchbay\n");
            git.add().addFilepattern("NOTES").call();
            PersonIdent who = new PersonIdent("patchbay", "patchbay@example.invalid");
            RevCommit commit = git.commit().setMessage("notes").setAuthor(who).setCommitter(who).call();

            assertThat(sync.push(git.getRepository(), commit)).isEqualTo(RemoteSync.Pushed.PUSHED);
            assertThat(run(server, "git", "--git-dir", bare.toString(), "rev-parse", "main").strip()).isEqualTo(commit.name());

            ObjectId fetched = sync.fetch(git.getRepository());
            assertThat(fetched).isEqualTo(commit.getId());
        }
    }

    @Test
    void aKeyInAnEnvironmentVariableServesAsWellAsAFile() throws Exception {
        trustServer();
        String key = Files.readString(server.resolve("client_key"));
        RemoteSync sync = new RemoteSync(remote(new Remote.Credentials("APP_DEPLOY_KEY", null)), home,
                Map.of("APP_DEPLOY_KEY", key)::get);

        sync.cloneInto(home.resolve("ws"));

        assertThat(home.resolve("ws/README")).hasContent("seed");
    }

    @Test
    void aHostMissingFromKnownHostsIsRefusedAndNothingIsCloned() throws Exception {
        // Another host's key only: the server's own key is unknown.
        Files.writeString(home.resolve("var/secrets/known_hosts"), "[127.0.0.1]:1 " + hostKeyLine.split(" ", 2)[1]);
        RemoteSync sync = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);

        assertThatThrownBy(() -> sync.cloneInto(home.resolve("ws")))
                .isInstanceOf(RemoteSync.Unreachable.class)
                .hasMessageContaining("ssh://127.0.0.1:" + port);
        assertThat(home.resolve("ws/.git")).doesNotExist();
        assertThat(home.resolve("ws/README")).doesNotExist();
    }

    @Test
    void aHostWhoseKeyChangedIsRefused() throws Exception {
        run(home, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", home.resolve("other").toString());
        String[] other = Files.readString(home.resolve("other.pub")).strip().split(" ");
        Files.writeString(home.resolve("var/secrets/known_hosts"), "[127.0.0.1]:" + port + " " + other[0] + " " + other[1] + "\n");
        RemoteSync sync = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);

        assertThatThrownBy(() -> sync.cloneInto(home.resolve("ws"))).isInstanceOf(RemoteSync.Unreachable.class);
        assertThat(home.resolve("ws/README")).doesNotExist();
    }

    @Test
    void withoutKnownHostsTheRefusalSaysWhereTheHostKeyGoes() throws Exception {
        RemoteSync sync = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);

        assertThatThrownBy(() -> sync.cloneInto(home.resolve("ws")))
                .isInstanceOf(RemoteSync.Unreachable.class)
                .hasMessageContaining("needs its host key in var/secrets/known_hosts")
                .hasMessageContaining("ssh-keyscan");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() throws Exception {
        trustServer();
        Files.delete(home.resolve("var/secrets/deploy_key"));
        run(home, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", home.resolve("var/secrets/deploy_key").toString());
        RemoteSync sync = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);

        assertThatThrownBy(() -> sync.cloneInto(home.resolve("ws"))).isInstanceOf(RemoteSync.Unreachable.class);
        assertThat(home.resolve("ws/README")).doesNotExist();
    }

    @Test
    void aKeyWithAPassphraseOrNoKeyAtAllIsNamedPlainly() throws Exception {
        trustServer();
        Files.delete(home.resolve("var/secrets/deploy_key"));
        run(home, "ssh-keygen", "-q", "-t", "ecdsa", "-N", "a passphrase", "-f", home.resolve("var/secrets/deploy_key").toString());
        RemoteSync withPassphrase = new RemoteSync(withKeyFile(), home, Map.<String, String>of()::get);
        RemoteSync missing = new RemoteSync(remote(new Remote.Credentials(null, "var/secrets/absent")), home,
                Map.<String, String>of()::get);

        assertThatThrownBy(() -> withPassphrase.cloneInto(home.resolve("ws")))
                .isInstanceOf(RemoteSync.Unreachable.class)
                .hasMessageContaining("var/secrets/deploy_key holds no private key patchbay can use");
        assertThatThrownBy(() -> missing.cloneInto(home.resolve("ws2")))
                .isInstanceOf(RemoteSync.Unreachable.class)
                .hasMessageContaining("the key file var/secrets/absent of ssh://127.0.0.1:" + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
