package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.policy.ContractException;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing one patch does stops the pipeline: on the real embedded broker, with a record limit of
 * 4 MiB (records above Kafka's 1 MiB default must pass every topic and changelog), a body over the
 * limit, a record near it, a patch whose applying throws and an unreadable command arrive between
 * normal patches of two domains, and every normal patch still succeeds.
 */
class RecordLimitsIT {

    private static final RecordLimits LIMITS = new RecordLimits(4 * 1024 * 1024);

    @TempDir
    Path home;

    /** The default contract with both domains allowing the largest patch the limit carries. */
    private static String contract() {
        String shipped = TestContracts.shipped();
        String raised = shipped.replace("patchBytes: 1048576", "patchBytes: " + LIMITS.maxPatchBytes());
        assertThat(raised).as("both domains' patchBytes").isNotEqualTo(shipped);
        return raised;
    }

    private static String writeBody(String domain, String title, String path, String content) {
        var body = new LinkedHashMap<String, Object>();
        body.put("domain", domain);
        body.put("title", title);
        body.put("files", List.of(Map.of("path", path, "content", content)));
        return Json.canonical(body);
    }

    private static String submitted(PatchbayClient client, String body, String query) throws Exception {
        PatchbayClient.Reply reply = client.submit(query == null ? "application/json" : "text/x-diff", body, query);
        assertThat(reply.status()).as(reply.body().length() > 500 ? reply.body().substring(0, 500) : reply.body())
                .isEqualTo(202);
        return reply.json().path("id").asText();
    }

    private static void awaitStatus(PatchbayClient client, String id, String status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    @Test
    void tooLargeThrowingAndUnreadableInputsEndAloneAndEveryNormalPatchOfTwoDomainsSucceeds() throws Exception {
        TestContracts.install(home, contract());
        try (Patchbay patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0),
                Map.of(RecordLimits.ENV, String.valueOf(LIMITS.maxRecordBytes())))) {
            PatchbayClient client = PatchbayClient.whenReady(patchbay);
            assertThat(patchbay.recordLimits()).isEqualTo(LIMITS);

            String n1 = submitted(client, writeBody("main", "First", "one.txt", "one\n"), null);
            String n2 = submitted(client, writeBody("ops", "Second", "two.txt", "two\n"), null);

            // Over the limit: refused at the door, nothing reaches Kafka.
            String overLimit = writeBody("main", "Too large", "big.txt", "x".repeat(LIMITS.maxCommandBytes()));
            PatchbayClient.Reply refused = client.submit("application/json", overLimit, null);
            assertThat(refused.status()).isEqualTo(413);

            // Just under it: a record of nearly 4 MiB passes the command topic, the event log and the
            // decider's changelog; the contract then rejects the patch as larger than patchBytes.
            String nearLimit = writeBody("main", "Near the limit", "near.txt",
                    "y".repeat(LIMITS.maxCommandBytes() - 16 * 1024));
            String near = submitted(client, nearLimit, null);

            // The largest patch the contract allows, every character escaped in JSON: work order, worker, commit.
            String quotes = "\"".repeat((LIMITS.maxPatchBytes() - 4 * 1024) / 2);
            String carried = submitted(client, writeBody("ops", "Carried", "quotes.txt", quotes), null);

            // A hunk whose numbers overflow once threw while applying; now the one diff reader refuses it before
            // anything runs. Either way it is the patch's own fault and is never tried again.
            String throwing = submitted(client, "diff --git a/one.txt b/one.txt\n--- a/one.txt\n+++ b/one.txt\n"
                    + "@@ -99999999999,1 +1 @@\n-one\n+ONE\n", "domain=main");

            // A command nobody can read is skipped.
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, patchbay.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(Topics.COMMANDS, "main", "{not json".getBytes())).get();
            }

            String n3 = submitted(client, writeBody("main", "Third", "three.txt", "three\n"), null);
            String n4 = submitted(client, writeBody("ops", "Fourth", "four.txt", "four\n"), null);

            for (String id : List.of(n1, n2, n3, n4, carried)) {
                awaitStatus(client, id, "Succeeded");
            }
            awaitStatus(client, near, "Rejected");
            awaitStatus(client, throwing, "Rejected");

            List<Event> events = client.events();
            assertThat(HashChain.verify(events)).isEmpty();
            EventBody.Rejected rejected = events.stream().filter(e -> near.equals(e.patchId()))
                    .map(Event::body).filter(EventBody.Rejected.class::isInstance).map(EventBody.Rejected.class::cast)
                    .findFirst().orElseThrow();
            assertThat(rejected.violations()).extracting(v -> v.code()).contains("PATCH_TOO_LARGE");
            EventBody.Submitted nearSubmitted = events.stream().filter(e -> near.equals(e.patchId()))
                    .map(Event::body).filter(EventBody.Submitted.class::isInstance)
                    .map(EventBody.Submitted.class::cast).findFirst().orElseThrow();
            assertThat(nearSubmitted.patch().files().get(0).content()).hasSize(LIMITS.maxCommandBytes() - 16 * 1024);

            assertThat(client.eventTypesOf(throwing)).doesNotContain("Dispatched", "RetryScheduled", "Quarantined")
                    .endsWith("Rejected");
            EventBody.Rejected unreadable = events.stream().filter(e -> throwing.equals(e.patchId()))
                    .map(Event::body).filter(EventBody.Rejected.class::isInstance).map(EventBody.Rejected.class::cast)
                    .findFirst().orElseThrow();
            assertThat(unreadable.violations()).extracting(v -> v.code()).containsExactly("DIFF_INVALID");
            assertThat(unreadable.violations().get(0).message()).contains("number too large");

            assertThat(Files.readString(home.resolve("var/workspaces/ops/quotes.txt"))).isEqualTo(quotes);
            assertThat(Files.readString(home.resolve("var/workspaces/main/one.txt"))).isEqualTo("one\n");
            assertThat(client.get("/health/ready").status()).as("the decider and the worker still run").isEqualTo(200);
        }
    }

    @Test
    void aContractAllowingPatchesTheRecordsCannotCarryStopsTheStart() {
        assertThatThrownBy(() -> {
            TestContracts.install(home, TestContracts.shipped());
            Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0),
                    Map.of(RecordLimits.ENV, String.valueOf(1024 * 1024))).close();
        }).isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.getMessage())
                .contains("execution-contract.yml").contains("limits.patchBytes").contains(RecordLimits.ENV));
    }
}
