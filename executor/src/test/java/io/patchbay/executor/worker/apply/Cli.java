package io.patchbay.executor.worker.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs git and diff as the reference implementations, in a clean environment: no user or system
 * git configuration, a fixed identity and dates, the C locale.
 */
final class Cli {

    /** What a finished command left. */
    record Outcome(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private Cli() {}

    /** Whether a program runs here at all. */
    static boolean available(String program) {
        try {
            Process p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs git in {@code dir} and insists that it succeeds. */
    static byte[] git(Path dir, String... args) throws IOException, InterruptedException {
        Outcome o = run(dir, prepend("git", args));
        assertThat(o.exitCode()).as("git %s failed: %s", String.join(" ", args), o.stderr()).isZero();
        return o.stdout();
    }

    static Outcome run(Path dir, String... command) throws IOException, InterruptedException {
        Path err = Files.createTempFile("cli", ".err");
        try {
            var pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.to(err.toFile()));
            Map<String, String> env = pb.environment();
            String path = env.get("PATH");
            env.clear();
            env.put("PATH", path == null ? "/usr/local/bin:/usr/bin:/bin" : path);
            env.put("HOME", dir.toString());
            env.put("LC_ALL", "C");
            env.put("TZ", "UTC");
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_CONFIG_GLOBAL", "/dev/null");
            env.put("GIT_CEILING_DIRECTORIES", dir.getParent() == null ? "/" : dir.getParent().toString());
            env.put("GIT_AUTHOR_NAME", "Ann Example");
            env.put("GIT_AUTHOR_EMAIL", "ann@example.org");
            env.put("GIT_COMMITTER_NAME", "Ann Example");
            env.put("GIT_COMMITTER_EMAIL", "ann@example.org");
            env.put("GIT_AUTHOR_DATE", "2026-11-23T10:00:00Z");
            env.put("GIT_COMMITTER_DATE", "2026-11-23T10:00:00Z");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            return new Outcome(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static String[] prepend(String first, String... rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(rest));
        return all.toArray(String[]::new);
    }
}
