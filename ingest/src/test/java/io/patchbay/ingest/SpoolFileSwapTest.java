package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patchbay.contracts.command.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spool files that are not what they seem: a symbolic link to a secret, a FIFO that would block
 * whoever opens it, a folder named like a patch. None is read, none stops the spool.
 */
class SpoolFileSwapTest {

    /** A valid patch, so that reading it through a link would submit it: the secret must never be in a command. */
    private static final String SECRET = """
            --- a/leak.txt
            +++ b/leak.txt
            @@ -0,0 +1 @@
            +pb_secret-token-value
            """;

    @TempDir
    Path home;

    private Path root;
    private Path secret;
    private FileTime secretModified;
    private final MockProducer<String, Command> producer = Samples.ackingProducer();
    private SpoolWatcher watcher;

    @BeforeEach
    void prepare() throws IOException {
        root = home.resolve("spool");
        secret = Files.writeString(Files.createDirectories(home.resolve("secrets")).resolve("submit-token.diff"), SECRET);
        secretModified = FileTime.fromMillis(1_700_000_000_000L);
        Files.setLastModifiedTime(secret, secretModified);
        watcher = new SpoolWatcher(SpoolWatcher.Config.of(root, List.of("main", "ops")), new KafkaCommandPublisher(producer));
        watcher.prepare();
    }

    private Path folder(String domain, String name) {
        return root.resolve(domain).resolve(name);
    }

    private void pollTwice() {
        // Bounded: a watcher blocked on a FIFO fails the test instead of hanging it.
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            watcher.poll();
            watcher.poll();
        });
    }

    private void assertSecretUntouchedAndNeverSubmitted() throws IOException {
        assertThat(Files.readString(secret)).isEqualTo(SECRET);
        assertThat(Files.getLastModifiedTime(secret)).isEqualTo(secretModified);
        assertThat(producer.history()).noneSatisfy(r -> assertThat(r.value().toString()).contains("pb_secret"));
    }

    private String reasonFor(String domain, String name) throws IOException {
        return Files.readString(folder(domain, SpoolWatcher.REJECTED).resolve(name + SpoolWatcher.REASON_SUFFIX));
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();
    }

    @Test
    void aSymlinkInIncomingToASecretIsRejectedUnreadAndItsTargetUntouched() throws Exception {
        Files.createSymbolicLink(folder("main", "incoming").resolve("innocent.diff"), secret);

        pollTwice();

        Path rejected = folder("main", "rejected").resolve("innocent.diff");
        assertThat(Files.isSymbolicLink(rejected)).as("the link itself is moved, not its target").isTrue();
        assertThat(reasonFor("main", "innocent.diff")).contains("symbolic link").doesNotContain("pb_secret");
        assertThat(producer.history()).isEmpty();
        assertSecretUntouchedAndNeverSubmitted();
    }

    @Test
    void aFileSwappedForASymlinkAfterItWasSeenIsRejectedUnread() throws Exception {
        Path file = Files.writeString(folder("main", "incoming").resolve("swap.diff"), Samples.DIFF);
        watcher.poll();
        Files.delete(file);
        Files.createSymbolicLink(file, secret);

        pollTwice();

        assertThat(reasonFor("main", "swap.diff")).contains("symbolic link");
        assertThat(producer.history()).isEmpty();
        assertSecretUntouchedAndNeverSubmitted();
    }

    @Test
    void aFifoDoesNotBlockTheWatcherAndIsRejected() throws Exception {
        mkfifo(folder("main", "incoming").resolve("pipe.diff"));

        pollTwice();

        assertThat(reasonFor("main", "pipe.diff")).contains("FIFO");
        assertThat(Files.isRegularFile(folder("main", "rejected").resolve("pipe.diff"), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aFolderNamedLikeAPatchIsLeftAlone() throws Exception {
        Path dir = Files.createDirectories(folder("main", "incoming").resolve("folder.diff"));
        Files.writeString(dir.resolve("inner.diff"), Samples.DIFF);

        pollTwice();

        assertThat(dir.resolve("inner.diff")).exists();
        try (Stream<Path> rejected = Files.list(folder("main", "rejected"))) {
            assertThat(rejected).isEmpty();
        }
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void otherDomainsAndGoodFilesKeepDrainingWhileOneDomainHasBadFiles() throws Exception {
        Path incoming = folder("main", "incoming");
        mkfifo(incoming.resolve("a-pipe.diff"));
        Files.createSymbolicLink(incoming.resolve("b-link.diff"), secret);
        Files.createDirectories(incoming.resolve("c-folder.json"));
        Files.writeString(incoming.resolve("d-good.diff"), Samples.DIFF);
        Files.writeString(folder("ops", "incoming").resolve("ops.diff"), Samples.DIFF.replace("hello", "hullo"));

        pollTwice();

        assertThat(folder("main", "accepted").resolve("d-good.diff")).exists();
        assertThat(folder("ops", "accepted").resolve("ops.diff")).exists();
        assertThat(producer.history()).extracting(r -> r.key()).containsExactlyInAnyOrder("main", "ops");
        assertThat(reasonFor("main", "a-pipe.diff")).contains("FIFO");
        assertThat(reasonFor("main", "b-link.diff")).contains("symbolic link");
        assertSecretUntouchedAndNeverSubmitted();
    }
}
