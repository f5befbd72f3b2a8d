package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read of a file already taken into processing/, where a swap after the poll would land. */
class SpoolFileTest {

    @TempDir
    Path dir;

    @Test
    void readsARegularFile() throws Exception {
        Path f = Files.writeString(dir.resolve("p.diff"), Samples.DIFF);

        assertThat(SpoolFile.read(f, 1024)).isInstanceOfSatisfying(SpoolFile.Bytes.class,
                b -> assertThat(new String(b.bytes(), StandardCharsets.UTF_8)).isEqualTo(Samples.DIFF));
    }

    @Test
    void neverFollowsASymlinkEvenToARegularFile() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "pb_secret-token-value");
        Path link = Files.createSymbolicLink(dir.resolve("p.diff"), secret);

        assertThat(SpoolFile.read(link, 1024)).isInstanceOfSatisfying(SpoolFile.Refused.class,
                r -> assertThat(r.reason()).contains("symbolic link").doesNotContain("pb_secret"));
    }

    @Test
    void refusesAFifoWithoutOpeningIt() throws Exception {
        Path fifo = dir.resolve("p.diff");
        SpoolFileSwapTest.mkfifo(fifo);

        SpoolFile.Read read = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> SpoolFile.read(fifo, 1024));

        assertThat(read).isInstanceOfSatisfying(SpoolFile.Refused.class, r -> assertThat(r.reason()).contains("FIFO"));
    }

    @Test
    void refusesAFileOverTheLimitUnread() throws Exception {
        Path f = Files.writeString(dir.resolve("p.diff"), "x".repeat(2000));

        assertThat(SpoolFile.read(f, 1024)).isInstanceOfSatisfying(SpoolFile.Refused.class,
                r -> assertThat(r.reason()).contains("2000 bytes").contains("1024"));
    }
}
