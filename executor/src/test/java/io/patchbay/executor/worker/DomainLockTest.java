package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The working tree's lock across threads of one JVM and across processes, paused ones included. */
class DomainLockTest {

    @TempDir
    Path gitDir;

    private Process other;

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits at most about {@code millis} for the lock, then gives up. */
    private DomainLock tryFor(long millis, String holder) throws Exception {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        return DomainLock.acquire(gitDir, "main", holder, () -> System.nanoTime() > until);
    }

    @Test
    void anotherThreadWaitsUntilTheHolderLetsGo() throws Exception {
        DomainLock first = tryFor(1_000, "a");
        assertThat(first).isNotNull();
        AtomicBoolean released = new AtomicBoolean();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            try (DomainLock l = tryFor(20_000, "b")) {
                return l != null && released.get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(tryFor(200, "c")).as("held by another thread of this JVM").isNull();
        released.set(true);
        first.close();
        assertThat(second.get(30, TimeUnit.SECONDS)).as("the second took it, and only after the release").isTrue();
        try (DomainLock again = tryFor(1_000, "d")) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aLockHeldByAnotherProcessHoldsWhileItIsPausedAndIsFreedWhenItDies() throws Exception {
        other = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldDomainLock.class.getName(), gitDir.toString()))
                .redirectErrorStream(true).start();
        var out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("held")) {
            // the child's log lines, if any
        }
        assertThat(line).isEqualTo("held true");
        assertThat(DomainLock.holderOf(gitDir.resolve(DomainLock.FILE))).startsWith("other-process (pid "
                + other.pid() + ")");

        assertThat(tryFor(300, "here")).as("held by a running process").isNull();
        Runtime.getRuntime().exec(new String[] {"kill", "-STOP", String.valueOf(other.pid())}).waitFor();
        assertThat(tryFor(500, "here")).as("a paused holder still holds it").isNull();

        other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        try (DomainLock mine = tryFor(5_000, "here")) {
            assertThat(mine).as("freed by the holder's death").isNotNull();
            assertThat(Files.readString(gitDir.resolve(DomainLock.FILE))).startsWith("here (pid ");
        }
    }

    @Test
    void theStaleLockCleanupOfARunLeavesTheTreeLockAlone(@TempDir Path work) throws Exception {
        org.eclipse.jgit.api.Git.init().setDirectory(work.toFile()).call().close();
        Path dotGit = work.resolve(".git");
        Files.writeString(dotGit.resolve("index.lock"), "");
        try (GitWorkspace git = GitWorkspace.open(work);
                DomainLock lock = DomainLock.acquire(dotGit, "main", "here", () -> true)) {
            assertThat(lock).isNotNull();
            git.removeStaleLocks();
            assertThat(dotGit.resolve("index.lock")).doesNotExist();
            assertThat(dotGit.resolve(DomainLock.FILE)).exists();
            assertThat(tryForIn(dotGit)).as("still held after the cleanup").isNull();
        }
    }

    private static DomainLock tryForIn(Path dir) throws Exception {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        return DomainLock.acquire(dir, "main", "again", () -> System.nanoTime() > until);
    }
}
