package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.topic.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpoolWatcherTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private final MockProducer<String, Command> producer = Samples.ackingProducer();
    private SpoolWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private SpoolWatcher.Config config() {
        return SpoolWatcher.Config.of(root, List.of("main")).withPollInterval(Duration.ofMillis(20));
    }

    private void start(CommandPublisher publisher) {
        watcher = new SpoolWatcher(config(), publisher, Clock.fixed(NOW, ZoneOffset.UTC));
        watcher.start();
    }

    private void start() {
        start(new KafkaCommandPublisher(producer));
    }

    private Path folder(String name) {
        return root.resolve("main").resolve(name);
    }

    private static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String expectedId(String text, PatchReader.Format format) {
        return PatchReader.read(text.getBytes(StandardCharsets.UTF_8), format, "main").withDefaultId().id();
    }

    @Test
    void acceptsDroppedPatchWithReceiptAfterPublishingItsSubmit() throws Exception {
        start();
        write(folder("incoming").resolve("notes.json"), Samples.JSON_WITHOUT_DOMAIN);

        Path receipt = folder("accepted").resolve("notes.json.receipt.json");
        await().atMost(WAIT).until(() -> Files.exists(receipt));

        String id = expectedId(Samples.JSON_WITHOUT_DOMAIN, PatchReader.Format.JSON);
        JsonNode r = Json.mapper().readTree(receipt.toFile());
        assertThat(r.get("id").asText()).isEqualTo(id);
        assertThat(r.get("domain").asText()).isEqualTo("main");
        assertThat(r.get("file").asText()).isEqualTo("notes.json");
        assertThat(r.get("statusUrl").asText()).isEqualTo("/v1/patches/" + id);
        assertThat(Instant.parse(r.get("acceptedAt").asText())).isEqualTo(NOW);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("notes.json")));
        assertThat(folder("incoming")).isEmptyDirectory();
        assertThat(folder("processing")).isEmptyDirectory();
        assertThat(producer.history()).singleElement().satisfies(rec -> {
            assertThat(rec.topic()).isEqualTo(Topics.COMMANDS);
            assertThat(rec.key()).isEqualTo("main");
            var submit = (Command.Submit) rec.value();
            assertThat(submit.patchId()).isEqualTo(id);
            assertThat(submit.patch().domain()).isEqualTo("main");
            assertThat(submit.by()).isEqualTo(Submitter.spool("main"));
        });
    }

    @Test
    void acceptsBareDiffAndGivesARepeatedNameAUniqueSuffix() throws Exception {
        start();
        write(folder("incoming").resolve("fix.diff"), Samples.DIFF);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("fix.diff")));

        write(folder("incoming").resolve("fix.diff"), Samples.DIFF);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("fix-1.diff")));

        assertThat(folder("accepted").resolve("fix-1.diff.receipt.json")).exists();
        assertThat(producer.history()).hasSize(2).allSatisfy(rec ->
                assertThat(rec.value().patchId()).isEqualTo(expectedId(Samples.DIFF, PatchReader.Format.DIFF)));
    }

    static List<Arguments> unusableFiles() {
        return List.of(
                Arguments.of("garbage.json", "{\"titel\": 1, \"commands\": \"ls\"}".getBytes(StandardCharsets.UTF_8),
                        List.of("/titel", "/commands")),
                Arguments.of("empty.yaml", new byte[0], List.of("empty")),
                Arguments.of("latin1.json", new byte[] {'{', (byte) 0xE9, '}', '\n'}, List.of("not UTF-8")),
                Arguments.of("notes.txt", Samples.DIFF.getBytes(StandardCharsets.UTF_8), List.of("no patch extension")),
                Arguments.of("prose.patch", "fix it please\n".getBytes(StandardCharsets.UTF_8), List.of("not a unified diff")),
                Arguments.of("elsewhere.json", Samples.JSON.replace("\"main\"", "\"ops\"").getBytes(StandardCharsets.UTF_8),
                        List.of("'ops'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableFiles")
    void rejectsUnusableFileWithAReasonNamingEveryProblem(String name, byte[] content, List<String> reasons)
            throws Exception {
        start();
        Files.write(folder("incoming").resolve(name), content);

        Path reason = folder("rejected").resolve(name + SpoolWatcher.REASON_SUFFIX);
        await().atMost(WAIT).until(() -> Files.exists(folder("rejected").resolve(name)));

        assertThat(Files.readString(reason)).contains(reasons);
        assertThat(folder("rejected").resolve(name)).hasBinaryContent(content);
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void leavesAFileBeingWrittenAloneUntilItIsRenamed() throws Exception {
        start();
        Path partial = write(folder("incoming").resolve("late.json.tmp"), Samples.JSON);
        write(folder("incoming").resolve("first.json"), Samples.JSON_WITHOUT_DOMAIN);

        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("first.json")));
        assertThat(partial).exists();
        assertThat(producer.history()).hasSize(1);

        Files.move(partial, folder("incoming").resolve("late.json"));
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("late.json")));
        assertThat(producer.history()).hasSize(2);
    }

    @Test
    void takesAFileOnlyOnceItsSizeAndMtimeStayedTheSameBetweenTwoPolls() throws Exception {
        watcher = new SpoolWatcher(config(), new KafkaCommandPublisher(producer));
        watcher.prepare();
        Path file = write(folder("incoming").resolve("growing.diff"), Samples.DIFF);

        watcher.poll();
        Files.writeString(file, "+more\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        watcher.poll();
        assertThat(file).exists();
        assertThat(producer.history()).isEmpty();

        watcher.poll();
        assertThat(folder("accepted").resolve("growing.diff")).exists();
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void keepsTheFileInIncomingWhileKafkaRefusesAndSubmitsItOnceKafkaTakesIt() throws Exception {
        var kafka = new KafkaCommandPublisher(producer);
        var down = new AtomicBoolean(true);
        var attempts = new AtomicInteger();
        start(c -> {
            attempts.incrementAndGet();
            if (down.get()) {
                throw new PublishException("broker unreachable", true, null);
            }
            kafka.publish(c);
        });
        write(folder("incoming").resolve("notes.json"), Samples.JSON_WITHOUT_DOMAIN);

        await().atMost(WAIT).until(() -> attempts.get() >= 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(folder("incoming").resolve("notes.json")).exists());
        assertThat(folder("accepted")).isEmptyDirectory();
        assertThat(producer.history()).isEmpty();

        down.set(false);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("notes.json")));
        assertThat(folder("accepted").resolve("notes.json.receipt.json")).exists();
        assertThat(folder("incoming")).isEmptyDirectory();
        assertThat(producer.history()).hasSize(1);
    }

    /** A command log whose acknowledgements the test gives, one by one. */
    private static final class HeldAcks implements CommandPublisher {
        final List<Command> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<CompletableFuture<Void>> acks = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void publish(Command command) {
            throw new UnsupportedOperationException("the spool sends without waiting");
        }

        @Override
        public CompletableFuture<Void> send(Command command) {
            var ack = new CompletableFuture<Void>();
            acks.add(ack);
            sent.add(command);
            return ack;
        }
    }

    private static String yaml(String name) {
        return "title: " + name + "\nfiles:\n  - {path: " + name + ".txt, content: x}\n";
    }

    @Test
    void sendsSeveralFilesBeforeTheFirstAcknowledgementButWritesEachReceiptOnlyAfterItsOwn() throws Exception {
        var log = new HeldAcks();
        // Dropped before the start, so that one listing sees all three and one poll sends them.
        Files.createDirectories(folder("incoming"));
        for (String name : List.of("a", "b", "c")) {
            write(folder("incoming").resolve(name + ".yaml"), yaml(name));
            // Distinct modification times keep the order the files were dropped in.
            Files.setLastModifiedTime(folder("incoming").resolve(name + ".yaml"),
                    java.nio.file.attribute.FileTime.from(NOW.plusSeconds(List.of("a", "b", "c").indexOf(name))));
        }
        start(log);
        await().atMost(WAIT).until(() -> log.sent.size() == 3);
        assertThat(log.sent).extracting(Command::patchId).containsExactly(
                expectedId(yaml("a"), PatchReader.Format.YAML), expectedId(yaml("b"), PatchReader.Format.YAML),
                expectedId(yaml("c"), PatchReader.Format.YAML));
        assertThat(folder("accepted")).as("no receipt while no send is acknowledged").isEmptyDirectory();
        assertThat(folder("processing")).isDirectoryContaining("glob:**/a.yaml").isDirectoryContaining("glob:**/c.yaml");

        log.acks.get(0).complete(null);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("a.yaml")));
        assertThat(folder("accepted").resolve("a.yaml.receipt.json")).exists();
        assertThat(folder("accepted").resolve("b.yaml.receipt.json")).doesNotExist();
        assertThat(folder("accepted").resolve("c.yaml.receipt.json")).doesNotExist();

        log.acks.get(2).complete(null);
        log.acks.get(1).completeExceptionally(new PublishException("broker unreachable", true, null));
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("c.yaml")));
        assertThat(folder("accepted").resolve("c.yaml.receipt.json")).exists();
        // b goes back to incoming/ and is sent again, after the backoff.
        await().atMost(WAIT).until(() -> log.sent.size() == 4);
        assertThat(log.sent.get(3).patchId()).isEqualTo(expectedId(yaml("b"), PatchReader.Format.YAML));
        assertThat(folder("accepted").resolve("b.yaml.receipt.json")).doesNotExist();

        log.acks.get(3).complete(null);
        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("b.yaml")));
        assertThat(folder("accepted").resolve("b.yaml.receipt.json")).exists();
        assertThat(folder("incoming")).isEmptyDirectory();
        assertThat(folder("processing")).isEmptyDirectory();
    }

    @Test
    void rejectsAFileWhoseCommandTheLogRefusesForGoodAndAcceptsTheOthersSentWithIt() throws Exception {
        var log = new HeldAcks();
        Files.createDirectories(folder("incoming"));
        write(folder("incoming").resolve("a.yaml"), yaml("a"));
        write(folder("incoming").resolve("b.yaml"), yaml("b"));
        start(log);
        await().atMost(WAIT).until(() -> log.sent.size() == 2);

        int refused = log.sent.get(0).patchId().equals(expectedId(yaml("a"), PatchReader.Format.YAML)) ? 0 : 1;
        String refusedName = refused == 0 ? "a.yaml" : "b.yaml";
        String acceptedName = refused == 0 ? "b.yaml" : "a.yaml";
        log.acks.get(refused).completeExceptionally(new PublishException("record too large", false, null));
        log.acks.get(1 - refused).complete(null);

        await().atMost(WAIT).until(() -> Files.exists(folder("rejected").resolve(refusedName))
                && Files.exists(folder("accepted").resolve(acceptedName)));
        assertThat(Files.readString(folder("rejected").resolve(refusedName + SpoolWatcher.REASON_SUFFIX)))
                .contains("the command log refused the patch", "record too large");
        assertThat(log.sent).hasSize(2);
    }

    @Test
    void resubmitsAFileACrashLeftInProcessing() throws Exception {
        Files.createDirectories(folder("processing"));
        write(folder("processing").resolve("interrupted.yaml"), Samples.YAML);

        start();

        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("interrupted.yaml")));
        assertThat(folder("processing")).isEmptyDirectory();
        assertThat(producer.history()).singleElement().satisfies(rec ->
                assertThat(rec.value().patchId()).isEqualTo(expectedId(Samples.YAML, PatchReader.Format.YAML)));
    }

    @Test
    void finishesAPickupWhoseReceiptWasWrittenWithoutSubmittingAgain() throws Exception {
        Files.createDirectories(folder("processing"));
        Files.createDirectories(folder("accepted"));
        write(folder("processing").resolve("receipted.yaml"), Samples.YAML);
        Path receipt = write(folder("accepted").resolve("receipted.yaml" + SpoolWatcher.RECEIPT_SUFFIX), Json.canonical(
                new SpoolWatcher.Receipt(expectedId(Samples.YAML, PatchReader.Format.YAML), "main", "receipted.yaml",
                        "/v1/patches/x", NOW)));
        String written = Files.readString(receipt);

        start();

        assertThat(folder("accepted").resolve("receipted.yaml")).hasContent(Samples.YAML);
        assertThat(receipt).hasContent(written);
        assertThat(folder("processing")).isEmptyDirectory();
        assertThat(folder("incoming")).isEmptyDirectory();
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void resubmitsAFileLeftInProcessingWhenTheLoneReceiptBesideItsNameIsAnotherPatchs() throws Exception {
        Files.createDirectories(folder("processing"));
        Files.createDirectories(folder("accepted"));
        write(folder("processing").resolve("fix.yaml"), Samples.YAML);
        write(folder("accepted").resolve("fix.yaml" + SpoolWatcher.RECEIPT_SUFFIX), Json.canonical(
                new SpoolWatcher.Receipt("another-patch", "main", "fix.yaml", "/v1/patches/another-patch", NOW)));

        start();

        await().atMost(WAIT).until(() -> Files.exists(folder("accepted").resolve("fix-1.yaml" + SpoolWatcher.RECEIPT_SUFFIX)));
        assertThat(folder("accepted").resolve("fix.yaml")).doesNotExist();
        assertThat(producer.history()).singleElement().satisfies(rec ->
                assertThat(rec.value().patchId()).isEqualTo(expectedId(Samples.YAML, PatchReader.Format.YAML)));
    }

    @Test
    void aBacklogInOneDomainDoesNotHoldUpAnotherDomainsFiles() throws Exception {
        watcher = new SpoolWatcher(SpoolWatcher.Config.of(root, List.of("main", "ops")), new KafkaCommandPublisher(producer));
        watcher.prepare();
        int backlog = 3 * SpoolWatcher.FILES_PER_TURN;
        for (int i = 0; i < backlog; i++) {
            write(folder("incoming").resolve("backlog-" + i + ".yaml"), "title: Backlog " + i
                    + "\nfiles:\n  - {path: b" + i + ".txt, content: x}\n");
        }
        write(root.resolve("ops/incoming/urgent.diff"), Samples.DIFF);

        watcher.poll();
        watcher.poll();

        List<String> domains = producer.history().stream().map(r -> r.key()).toList();
        assertThat(domains).hasSize(backlog + 1);
        assertThat(domains.indexOf("ops")).as("ops has its turn after main's first " + SpoolWatcher.FILES_PER_TURN)
                .isEqualTo(SpoolWatcher.FILES_PER_TURN);
        assertThat(root.resolve("ops/accepted/urgent.diff")).exists();
    }

    @Test
    void createsTheFoldersAndStopsOnClose() {
        start();

        assertThat(watcher.isRunning()).isTrue();
        for (String f : List.of("incoming", "processing", "accepted", "rejected")) {
            assertThat(folder(f)).isDirectory();
        }
        watcher.close();
        assertThat(watcher.isRunning()).isFalse();
    }

    @Test
    void watchesTheDomainsWhoseContractAllowsTheSpool() {
        var contract = ContractLoader.parse("""
                version: "1"
                domains:
                  main: {workspace: var/workspaces/main}
                  ops: {workspace: var/workspaces/ops, submitters: {spool: false}}
                """.getBytes(StandardCharsets.UTF_8), "test");

        assertThat(SpoolWatcher.Config.forContract(root, contract).domains()).containsExactly("main");
    }
}
