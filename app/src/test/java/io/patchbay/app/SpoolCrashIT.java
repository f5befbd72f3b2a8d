package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader.Format;
import io.patchbay.ingest.HttpInbox;
import io.patchbay.ingest.KafkaCommandPublisher;
import io.patchbay.ingest.SpoolWatcher;
import io.patchbay.ingest.SubmissionReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spool after a crash at each step of a pickup (taken into processing/, published, receipt
 * written, moved to accepted/), recreated on disk and on Kafka as the crash left them, and then a
 * restart of {@code patchbay up} with a backlog waiting: no file is lost, none is run twice, and
 * files dropped while the backlog drains are taken too.
 */
class SpoolCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int BACKLOG = 300;
    private static final List<String> EXPECTED_MAIN =
            List.of("taken.yaml", "published.yaml", "receipted.yaml", "done.yaml", "late.yaml");

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;
    /** Patch id by file name, for the files of the crash scenarios. */
    static final Map<String, String> ids = new LinkedHashMap<>();

    @BeforeAll
    static void crashThenRestart() throws Exception {
        PatchbayConfig config = PatchbayConfig.local(home).withPorts(0, 0);
        Patchbay before = Patchbay.start(config);
        try (var publisher = new KafkaCommandPublisher(before.bootstrapServers())) {
            // Taken into processing/, then the crash: Kafka never heard of it.
            Files.writeString(folder("main", "processing").resolve("taken.yaml"), yaml("taken"));
            // Published, then the crash before the receipt was complete.
            Files.writeString(folder("main", "processing").resolve("published.yaml"), yaml("published"));
            publishAsSpool(publisher, "published.yaml");
            Files.writeString(folder("main", "accepted").resolve(".published.yaml" + SpoolWatcher.RECEIPT_SUFFIX + ".tmp"),
                    "{\"id\":\"");
            // Published and its receipt written, then the crash before the file was moved beside it.
            Files.writeString(folder("main", "processing").resolve("receipted.yaml"), yaml("receipted"));
            publishAsSpool(publisher, "receipted.yaml");
            writeReceipt("receipted.yaml");
            // The whole pickup done, then the crash.
            Files.writeString(folder("main", "accepted").resolve("done.yaml"), yaml("done"));
            publishAsSpool(publisher, "done.yaml");
            writeReceipt("done.yaml");
        } finally {
            before.close();
        }

        for (int i = 0; i < BACKLOG; i++) {
            // Refused by the contract (secrets/ is denied), so the executor spends no time on them; the spool's part is the same.
            Files.writeString(folder("main", "incoming").resolve(String.format("backlog-%04d.yaml", i)), """
                    title: Backlog %d
                    files:
                      - {path: secrets/backlog-%d.txt, content: "%d"}
                    """.formatted(i, i, i));
        }
        Files.writeString(folder("ops", "incoming").resolve("other-domain.yaml"), yaml("other-domain"));

        patchbay = Patchbay.start(config);
        client = new PatchbayClient(patchbay);
        Files.writeString(folder("main", "incoming").resolve("late.yaml.part"), yaml("late"));
        Files.move(folder("main", "incoming").resolve("late.yaml.part"), folder("main", "incoming").resolve("late.yaml"));
        await().atMost(WAIT).until(() -> client.get("/health/ready").status() == 200);
        await().atMost(WAIT).until(() -> receipts("main").keySet().containsAll(EXPECTED_MAIN)
                && receipts("main").keySet().stream().filter(n -> n.startsWith("backlog-")).count() == BACKLOG
                && receipts("ops").containsKey("other-domain.yaml"));
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static Path folder(String domain, String name) throws IOException {
        return Files.createDirectories(home.resolve("var/spool").resolve(domain).resolve(name));
    }

    private static String yaml(String name) {
        return "title: Crash " + name + "\nfiles:\n  - {path: crash/" + name + ".txt, content: \"" + name + "\\n\"}\n";
    }

    private static void publishAsSpool(KafkaCommandPublisher publisher, String file) throws Exception {
        Path in = Files.exists(folder("main", "processing").resolve(file))
                ? folder("main", "processing").resolve(file) : folder("main", "accepted").resolve(file);
        Patch patch = SubmissionReader.read(Files.readAllBytes(in), Format.YAML, "main").withDefaultId();
        ids.put(file, patch.id());
        publisher.publish(new Command.Submit(patch, Submitter.spool("main"), Instant.now()));
    }

    /** The receipt as the watcher writes it. */
    private static void writeReceipt(String file) throws IOException {
        var receipt = new LinkedHashMap<String, Object>();
        receipt.put("id", ids.get(file));
        receipt.put("domain", "main");
        receipt.put("file", file);
        receipt.put("statusUrl", HttpInbox.PATH + "/" + ids.get(file));
        receipt.put("acceptedAt", Instant.now().toString());
        Files.writeString(folder("main", "accepted").resolve(file + SpoolWatcher.RECEIPT_SUFFIX), Json.canonical(receipt) + "\n");
    }

    /** The receipts in a domain's accepted/, by the file they name. */
    private static Map<String, JsonNode> receipts(String domain) throws IOException {
        try (Stream<Path> files = Files.list(folder(domain, "accepted"))) {
            List<Path> list = files.filter(f -> f.getFileName().toString().endsWith(SpoolWatcher.RECEIPT_SUFFIX)).toList();
            var out = new LinkedHashMap<String, JsonNode>();
            for (Path f : list) {
                out.put(f.getFileName().toString().replace(SpoolWatcher.RECEIPT_SUFFIX, ""), Json.mapper().readTree(f.toFile()));
            }
            return out;
        }
    }

    private static List<String> names(String domain, String folder) throws IOException {
        try (Stream<Path> files = Files.list(folder(domain, folder))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** Every Submitted event, once the decider has seen every Submit published so far. */
    private static Map<String, Long> submittedEvents() throws Exception {
        // Commands of one domain share a partition and are decided in order: this one comes after them all.
        String barrier = client.submit("application/json",
                "{\"domain\":\"main\",\"title\":\"Barrier\",\"files\":[{\"path\":\"barrier.txt\",\"content\":\"b\"}]}", null)
                .json().path("id").asText();
        await().atMost(WAIT).until(() -> client.status(barrier), "Succeeded"::equals);
        return client.events().stream().filter(e -> e.type().equals("Submitted"))
                .collect(Collectors.groupingBy(Event::patchId, Collectors.counting()));
    }

    @Test
    void everyFileEndsInAcceptedBesideExactlyOneReceiptAndNothingIsLeftBehind() throws Exception {
        for (String domain : List.of("main", "ops")) {
            assertThat(names(domain, "incoming")).isEmpty();
            assertThat(names(domain, "processing")).isEmpty();
            assertThat(names(domain, "rejected")).isEmpty();
            List<String> accepted = names(domain, "accepted").stream().filter(n -> !n.startsWith("."))
                    .filter(n -> !n.endsWith(SpoolWatcher.RECEIPT_SUFFIX)).toList();
            assertThat(receipts(domain).keySet()).as("one receipt per accepted file, none without its file")
                    .containsExactlyInAnyOrderElementsOf(accepted);
            receipts(domain).forEach((file, receipt) -> assertThat(receipt.path("file").asText()).isEqualTo(file));
        }
        assertThat(receipts("main").keySet()).containsAll(EXPECTED_MAIN);
        assertThat(receipts("main").get("published.yaml").path("id").asText()).isEqualTo(ids.get("published.yaml"));
        assertThat(receipts("main").get("receipted.yaml").path("id").asText()).isEqualTo(ids.get("receipted.yaml"));
    }

    @Test
    void noPatchOfAnInterruptedPickupIsSubmittedTwice() throws Exception {
        Map<String, JsonNode> receipts = receipts("main");
        Map<String, Long> submitted = submittedEvents();

        for (String file : EXPECTED_MAIN) {
            assertThat(submitted.get(receipts.get(file).path("id").asText())).as(file).isEqualTo(1L);
        }
        // Kafka had these before the crash; a receipt on disk means Kafka has it, so it is not sent again.
        assertThat(client.submitsOf(ids.get("receipted.yaml"))).hasSize(1);
        assertThat(client.submitsOf(ids.get("done.yaml"))).hasSize(1);
    }

    @Test
    void theBacklogDrainsOnceAndFilesDroppedMeanwhileAreTaken() throws Exception {
        Map<String, JsonNode> receipts = receipts("main");
        Map<String, String> backlogIds = receipts.entrySet().stream().filter(e -> e.getKey().startsWith("backlog-"))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().path("id").asText()));
        Map<String, Long> submitted = submittedEvents();

        assertThat(backlogIds).hasSize(BACKLOG);
        assertThat(new ArrayList<>(backlogIds.values())).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(submitted.get(id)).isEqualTo(1L));
        assertThat(receipts).containsKey("late.yaml");
        assertThat(receipts("ops")).containsKey("other-domain.yaml");
    }

    @Test
    void aBacklogInOneDomainDoesNotHoldUpAnother() throws Exception {
        Function<JsonNode, Instant> at = r -> Instant.parse(r.path("acceptedAt").asText());
        Instant otherDomain = at.apply(receipts("ops").get("other-domain.yaml"));
        Instant lastOfBacklog = receipts("main").entrySet().stream().filter(e -> e.getKey().startsWith("backlog-"))
                .map(e -> at.apply(e.getValue())).max(Instant::compareTo).orElseThrow();

        assertThat(otherDomain).isBefore(lastOfBacklog);
    }
}
