package io.patchbay.executor.worker;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real git server for tests: {@code git daemon} on 127.0.0.1, serving the bare repositories under
 * one folder, pushes enabled. Stopping it kills it and the connections it forked; starting it again
 * listens on the same port.
 */
public final class GitDaemon implements AutoCloseable {

    private final Path base;
    private final int port;
    private Process process;

    public GitDaemon(Path base) throws IOException {
        this.base = base;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
    }

    /** The git:// url of a repository under the base folder. */
    public String url(String repo) {
        return "git://127.0.0.1:" + port + "/" + repo;
    }

    public GitDaemon start() throws IOException {
        process = new ProcessBuilder("git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
                "--base-path=" + base, "--listen=127.0.0.1", "--port=" + port, base.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(10)).until(this::accepts);
        return this;
    }

    public void stop() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() && !accepts());
        process = null;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Runs git in {@code dir} and returns its output; a failing git fails the test. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Somebody Else",
                "-c", "user.email=else@example.org", "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out.strip();
    }

    /** A bare repository {@code name} under the base folder whose main branch holds {@code files}. */
    public Path seed(String name, java.util.Map<String, String> files) throws IOException, InterruptedException {
        Path bare = base.resolve(name);
        Files.createDirectories(bare);
        git(bare, "init", "--bare", "-b", "main");
        Path work = Files.createTempDirectory(base.getParent(), "seed");
        git(work, "init", "-b", "main");
        for (var e : files.entrySet()) {
            Files.writeString(work.resolve(e.getKey()), e.getValue());
        }
        git(work, "add", ".");
        git(work, "commit", "-m", "Seed");
        git(work, "push", bare.toString(), "main");
        return bare;
    }
}
