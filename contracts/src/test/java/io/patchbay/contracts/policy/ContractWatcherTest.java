package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractWatcherTest {

    private static final String V1 = "version: '1'\ndomains:\n  main:\n    workspace: w\n";
    private static final String V2 = "version: '2'\ndomains:\n  main:\n    workspace: w\n  ops:\n    workspace: o\n";
    private static final String BAD = "version: '3'\ndomains:\n  main:\n    workspace: w\n    limits: {files: none}\n";

    @TempDir
    Path dir;

    private Path file;
    private final AtomicReference<ExecutionContract> current = new AtomicReference<>();
    private final List<ContractException> alerts = new CopyOnWriteArrayList<>();
    private final List<ExecutionContract> changes = new CopyOnWriteArrayList<>();
    private ContractWatcher watcher;

    @BeforeEach
    void load() throws Exception {
        file = dir.resolve("execution-contract.yml");
        Files.writeString(file, V1);
        current.set(ContractLoader.load(file));
        watcher = new ContractWatcher(new ContractWatcher.Config(file, Duration.ofMillis(20)), current, alerts::add,
                changes::add);
    }

    /** Two looks: new content is acted on once two reads agree. */
    private boolean settle() {
        assertThat(watcher.poll()).isFalse();
        return watcher.poll();
    }

    @Test
    void anUnchangedFileChangesNothing() {
        assertThat(watcher.poll()).isFalse();
        assertThat(current.get().version()).isEqualTo("1");
        assertThat(alerts).isEmpty();
        assertThat(changes).isEmpty();
    }

    @Test
    void aValidEditComesIntoForceWithItsVersionAndHash() throws Exception {
        String before = current.get().hash();
        Files.writeString(file, V2);

        assertThat(settle()).isTrue();
        assertThat(current.get().version()).isEqualTo("2");
        assertThat(current.get().hash()).isNotEqualTo(before).hasSize(64);
        assertThat(current.get().domains()).containsOnlyKeys("main", "ops");
        assertThat(changes).containsExactly(current.get());
        assertThat(watcher.poll()).isFalse();
    }

    @Test
    void anInvalidEditKeepsThePreviousContractAndAlertsOnceWithFileAndLine() throws Exception {
        ExecutionContract v1 = current.get();
        Files.writeString(file, BAD);

        assertThat(settle()).isFalse();
        assertThat(watcher.poll()).isFalse();

        assertThat(current.get()).isSameAs(v1);
        assertThat(alerts).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(file.toString());
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.reason()).contains("limits.files");
        });
        Files.writeString(file, V2);
        assertThat(settle()).isTrue();
        assertThat(current.get().version()).isEqualTo("2");
    }

    @Test
    void aFileCaughtHalfWrittenIsNeitherTakenNorReported() throws Exception {
        ExecutionContract v1 = current.get();
        Files.writeString(file, "");
        assertThat(watcher.poll()).isFalse();
        Files.writeString(file, V2.substring(0, 30));
        assertThat(watcher.poll()).isFalse();
        Files.writeString(file, V2);
        assertThat(watcher.poll()).isFalse();

        assertThat(current.get()).isSameAs(v1);
        assertThat(alerts).isEmpty();
        assertThat(watcher.poll()).isTrue();
        assertThat(current.get().version()).isEqualTo("2");
    }

    @Test
    void aMissingFileKeepsThePreviousContractAndAlertsOnce() throws Exception {
        ExecutionContract v1 = current.get();
        Files.delete(file);

        settle();
        watcher.poll();

        assertThat(current.get()).isSameAs(v1);
        assertThat(alerts).singleElement().satisfies(e -> assertThat(e.reason()).contains("gone"));
        Files.writeString(file, V2);
        assertThat(settle()).isTrue();
    }

    @Test
    void pollsOnItsOwnOnceStarted() throws Exception {
        watcher.start();
        try {
            Files.writeString(file, V2);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(current.get().version()).isEqualTo("2"));
            Files.writeString(file, BAD);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(alerts).hasSize(1));
            assertThat(current.get().version()).isEqualTo("2");
        } finally {
            watcher.close();
        }
    }
}
