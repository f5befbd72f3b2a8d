package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool SIGKILLed while it drains a backlog with many files in flight, then started again on
 * the same folders: whatever moment the kill hit, no file is lost, every file ends in accepted/
 * beside one receipt, a receipt only ever names a command the log had, and no file whose receipt
 * was written is submitted again.
 */
class SpoolKillTest {

    private static final int FILES = 600;

    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void kill() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private Path folder(String name) {
        return dir.resolve("spool/main").resolve(name);
    }

    /** The patch id of every receipt in accepted/, by the file it names. */
    private Map<String, String> receipts() throws IOException {
        try (Stream<Path> files = Files.list(folder("accepted"))) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith(SpoolWatcher.RECEIPT_SUFFIX)
                    && !f.getFileName().toString().startsWith(".")).toList();
            var out = new HashMap<String, String>();
            for (Path f : list) {
                var r = Json.mapper().readTree(f.toFile());
                out.put(r.path("file").asText(), r.path("id").asText());
            }
            return out;
        }
    }

    private List<String> names(String folder) throws IOException {
        try (Stream<Path> files = Files.list(folder(folder))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void aSpoolKilledMidDrainLosesNoFileAndSubmitsNoReceiptedFileAgain() throws Exception {
        Files.createDirectories(folder("incoming"));
        Files.createDirectories(folder("accepted"));
        for (int i = 0; i < FILES; i++) {
            Files.writeString(folder("incoming").resolve(String.format("k-%04d.yaml", i)),
                    "title: Kill " + i + "\nfiles:\n  - {path: k" + i + ".txt, content: \"" + i + "\"}\n");
        }
        Path log = dir.resolve("commands.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SpoolKillChild.class.getName(), dir.resolve("spool").toString(), log.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.out").toFile()).start();

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(5))
                .until(() -> names("accepted").size() >= FILES / 5);
        child.destroyForcibly().waitFor();
        Map<String, String> receiptedAtKill = receipts();
        List<String> loggedAtKill = LogFilePublisher.read(log);

        assertThat(receiptedAtKill.size()).as("the kill hit the drain midway").isLessThan(FILES);
        assertThat(loggedAtKill).as("every receipt names a command the log had acknowledged")
                .containsAll(receiptedAtKill.values());

        var config = SpoolWatcher.Config.of(dir.resolve("spool"), List.of("main")).withPollInterval(Duration.ofMillis(20));
        try (var publisher = new LogFilePublisher(log, Duration.ofMillis(20))) {
            var watcher = new SpoolWatcher(config, publisher);
            watcher.prepare();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                watcher.poll();
                return names("incoming").isEmpty() && names("processing").isEmpty();
            });
        }

        Map<String, String> receipts = receipts();
        List<String> accepted = names("accepted").stream().filter(n -> !n.endsWith(SpoolWatcher.RECEIPT_SUFFIX)).toList();
        assertThat(accepted).as("every file accepted, none lost").hasSize(FILES);
        assertThat(receipts.keySet()).as("one receipt beside each accepted file").containsExactlyInAnyOrderElementsOf(accepted);
        assertThat(receipts.values()).as("one patch per file").doesNotHaveDuplicates();
        assertThat(names("rejected")).isEmpty();
        Map<String, Long> times = LogFilePublisher.read(log).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(times.keySet()).containsAll(receipts.values());
        receiptedAtKill.forEach((file, id) -> assertThat(times.get(id)).as("%s, receipted before the kill", file)
                .isEqualTo(1L));
        // A file sent but not yet receipted when the kill came is sent once more; its content-addressed id
        // makes the repeat a no-op downstream.
        assertThat(times.values()).allSatisfy(n -> assertThat(n).isBetween(1L, 2L));
    }
}
