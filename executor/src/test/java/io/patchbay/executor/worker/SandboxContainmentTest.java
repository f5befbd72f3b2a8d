package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile gate can do from inside the bubblewrap sandbox: not read patchbay's secrets or
 * other trees, not write outside its tree, not reach the network unless the contract says so, and
 * not leave a process behind. Each attack also runs in a {@code sandbox: none} domain, where it
 * works: that shows the attack is real and the test able to fail.
 */
class SandboxContainmentTest {

    private Path dir;
    private SandboxFixture f;

    /**
     * The home lies outside {@code /tmp}, as a real one does: under {@code /tmp} the sandbox's private
     * {@code /tmp} would hide it anyway, and the tests would not show that only the tree is bound.
     */
    @BeforeEach
    void setUp() throws Exception {
        Path base = Files.createDirectories(Path.of("target", "sandbox-homes").toAbsolutePath());
        dir = Files.createTempDirectory(base, "home");
        f = new SandboxFixture(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void needsBwrap() {
        assumeTrue(SandboxFixture.HAS_BWRAP, SandboxFixture.NO_BWRAP);
    }

    // ---- reading ------------------------------------------------------------------------------

    @Test
    void gateCannotReadTheSecretsBesideItsTree() throws Exception {
        needsBwrap();
        List<List<String>> attacks = List.of(
                List.of("cat", "../../var/secrets/submit-token"),
                List.of("cat", f.secretFile.toString()),
                List.of("cat", f.tree("loose").resolve("notes.txt").toString()),
                List.of("sh", "-c", "grep -r tok- " + f.home + " /root /etc 2>/dev/null; exit 0"));

        for (List<String> argv : attacks) {
            WorkResult r = f.gate("main", argv);

            assertThat(r.toString()).as("%s", argv).doesNotContain(f.secret);
            assertThat(Files.readString(f.home.resolve(summaryPathOf(r)))).doesNotContain(f.secret);
        }
        assertThat(SandboxFixture.onlyGate(f.gate("main", List.of("cat", "../../var/secrets/submit-token"))).passed())
                .isFalse();
    }

    @Test
    void withoutTheSandboxTheSameGateReadsTheSecret() throws Exception {
        WorkResult r = f.gate("loose", List.of("cat", "../../var/secrets/submit-token"));

        GateResult g = SandboxFixture.onlyGate(r);
        assertThat(g.passed()).isTrue();
        assertThat(g.outputTail()).contains(f.secret);
    }

    @Test
    void gateSeesItsTreeAndTheSystem() throws Exception {
        needsBwrap();
        WorkResult r = f.gate("main", List.of("sh", "-c", "cat notes.txt && git status --short && test -x /usr/bin/env"
                + " && test \"$PWD\" = '" + f.tree("main") + "' && test \"$HOME\" = /tmp"));

        assertThat(r).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(SandboxFixture.onlyGate(r).outputTail()).contains("one\ntwo\nthree");
    }

    // ---- writing ------------------------------------------------------------------------------

    @Test
    void gateCannotWriteOutsideItsTree() throws Exception {
        needsBwrap();
        Map<String, String> before = f.outside("main");

        f.gate("main", List.of("git", "diff", "--no-index", "--output=../../x", "notes.txt", "w.txt"));
        f.gate("main", List.of("sh", "-c", "echo pwned > ../../y; echo pwned > " + f.home.resolve("z")
                + "; echo pwned > ../loose/notes.txt; echo pwned > " + f.secretFile + "; exit 0"));
        WorkResult hooks = f.gate("main", List.of("sh", "-c", "echo 'touch /tmp/hooked' > .git/hooks/post-commit"));

        assertThat(f.outside("main")).isEqualTo(before);
        assertThat(f.home.resolve("x")).doesNotExist();
        assertThat(f.tree("main").resolve(".git/hooks/post-commit")).doesNotExist();
        assertThat(SandboxFixture.onlyGate(hooks).outputTail()).contains("Read-only file system");
    }

    @Test
    void withoutTheSandboxTheGitDiffOutputAttackWritesOutsideTheTree() throws Exception {
        f.gate("loose", List.of("git", "diff", "--no-index", "--output=../../x", "notes.txt", "w.txt"));

        assertThat(f.home.resolve("x")).exists();
    }

    // ---- network ------------------------------------------------------------------------------

    @Test
    void gateCannotReachTheNetwork() throws Exception {
        needsBwrap();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            WorkResult r = f.gate("main", connect(server));

            assertThat(SandboxFixture.onlyGate(r).passed()).isFalse();
            // A connection that was made waits in the backlog; none is there.
            server.setSoTimeout(300);
            assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void gateOfADomainWithNetworkReachesIt() throws Exception {
        needsBwrap();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            WorkResult r = f.gate("open", connect(server));

            assertThat(SandboxFixture.onlyGate(r).passed()).as("%s", r).isTrue();
            server.setSoTimeout(5_000);
            try (Socket s = server.accept()) {
                assertThat(new String(s.getInputStream().readAllBytes())).isEqualTo("hello\n");
            }
        }
    }

    private static List<String> connect(ServerSocket server) {
        return List.of("bash", "-c", "echo hello > /dev/tcp/127.0.0.1/" + server.getLocalPort());
    }

    // ---- processes ----------------------------------------------------------------------------

    @Test
    void noProcessOfAGateOutlivesIt() throws Exception {
        needsBwrap();
        String marker = Processes.uniqueSleep(300);

        WorkResult r = f.gate("main", List.of("sh", "-c", "sleep " + marker + " >/dev/null 2>&1 & echo started $!"));

        assertThat(SandboxFixture.onlyGate(r).outputTail()).contains("started");
        await().atMost(Duration.ofSeconds(3)).until(() -> Processes.withArgument(marker).isEmpty());
    }

    @Test
    void withoutTheSandboxABackgroundedProcessOutlivesItsGate() throws Exception {
        String marker = Processes.uniqueSleep(300);

        f.gate("loose", List.of("sh", "-c", "sleep " + marker + " >/dev/null 2>&1 & echo started $!"));

        List<ProcessHandle> left = Processes.withArgument(marker);
        try {
            assertThat(left).isNotEmpty();
        } finally {
            left.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String summaryPathOf(WorkResult r) {
        if (r instanceof WorkResult.Failed x) {
            return x.summaryPath();
        }
        if (r instanceof WorkResult.Succeeded x) {
            return x.summaryPath();
        }
        throw new AssertionError("not a finished run: " + r);
    }
}
