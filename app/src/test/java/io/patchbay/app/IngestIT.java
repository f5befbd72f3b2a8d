package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.Json;
import io.patchbay.ingest.SpoolWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest service alone ({@code patchbay ingest}) on a real broker the test stops and starts:
 * every refusal of the HTTP inbox once on the real stack, and what a submitter sees while Kafka
 * is down (503, the spool file kept) and after it is back (the file taken, the patch submitted once).
 */
class IngestIT {

    private static final Logger LOG = LoggerFactory.getLogger(IngestIT.class);
    private static final String OPS_TOKEN = "ops-only-token";
    private static final String TIGHT_TOKEN = "tight-token";
    private static final String PROBLEM = "application/problem+json";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;
    static int kafkaPort;
    static Patchbay ingest;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        kafkaPort = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - name: ops-only
                    sha256: %s
                    domains: [ops]
                  - name: tight
                    sha256: %s
                    requestsPerMinute: 2
                """.formatted(Json.sha256Hex(OPS_TOKEN), Json.sha256Hex(TIGHT_TOKEN)));
        ingest = Patchbay.start(new PatchbayConfig(home, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, 3, (short) 1,
                EnumSet.of(Role.INGEST)), Map.of());
        client = new PatchbayClient(ingest);
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String patch(String domain, String file) {
        return "{\"domain\":\"" + domain + "\",\"title\":\"Write " + file + "\",\"files\":[{\"path\":\"" + file
                + "\",\"content\":\"x\\n\"}]}";
    }

    private static void assertProblem(PatchbayClient.Reply reply, int status) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith(PROBLEM);
        assertThat(reply.json().path("status").asInt()).isEqualTo(status);
        assertThat(reply.json().path("detail").asText()).isNotBlank();
    }

    private static Path spool(String domain, String folder) {
        return home.resolve("var/spool").resolve(domain).resolve(folder);
    }

    @Test
    void refusesAMissingOrUnknownTokenWith401() throws Exception {
        PatchbayClient.Reply none = client.submit(null, "application/json", patch("main", "a.txt"), null, Map.of());
        PatchbayClient.Reply unknown = client.submit("not-a-token", "application/json", patch("main", "a.txt"), null, Map.of());

        assertProblem(none, 401);
        assertProblem(unknown, 401);
        assertThat(unknown.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void refusesATokenLimitedToAnotherDomainWith403AndTakesItsOwnDomain() throws Exception {
        PatchbayClient.Reply elsewhere = client.submit(OPS_TOKEN, "application/json", patch("main", "b.txt"), null, Map.of());
        PatchbayClient.Reply own = client.submit(OPS_TOKEN, "application/json", patch("ops", "b.txt"), null, Map.of());

        assertProblem(elsewhere, 403);
        assertThat(elsewhere.body()).contains("ops-only").contains("main");
        assertThat(own.status()).as(own.body()).isEqualTo(202);
    }

    @Test
    void refusesABodyOverTheLimitWith413() throws Exception {
        // One byte over what a command may carry at the record limit patchbay runs with.
        int over = ingest.recordLimits().maxCommandBytes() + 1;
        String huge = "{\"domain\":\"main\",\"files\":[{\"path\":\"big.txt\",\"content\":\"" + "x".repeat(over) + "\"}]}";

        assertProblem(client.submit("application/json", huge, null), 413);
    }

    @Test
    void refusesAContentTypeThatIsNotAPatchWith415() throws Exception {
        assertProblem(client.submit("application/xml", "<patch domain=\"main\"/>", null), 415);
    }

    @Test
    void answers429WithRetryAfterOnceATokenHasUsedItsBudget() throws Exception {
        List<Integer> before = new ArrayList<>();
        PatchbayClient.Reply over = null;
        // Budgets refill each minute: should one refill fall between two requests, the next budget runs out too.
        for (int i = 0; i < 5 && over == null; i++) {
            PatchbayClient.Reply r = client.submit(TIGHT_TOKEN, "application/json", patch("main", "d" + i + ".txt"), null,
                    Map.of());
            if (r.status() == 429) {
                over = r;
            } else {
                before.add(r.status());
            }
        }

        assertThat(before).hasSizeGreaterThanOrEqualTo(2).containsOnly(202);
        assertThat(over).as("a request over the budget of 2 a minute").isNotNull();
        assertProblem(over, 429);
        assertThat(Long.parseLong(over.header("Retry-After"))).isPositive();
    }

    @Test
    void replaysTheFirstAnswerToARepeatedIdempotencyKeyAndSubmitsOnce() throws Exception {
        Map<String, String> key = Map.of("Idempotency-Key", "ingest-it-1");

        PatchbayClient.Reply first = client.submit(ingest.token(), "application/json", patch("main", "e.txt"), null, key);
        PatchbayClient.Reply again = client.submit(ingest.token(), "application/json", patch("main", "e.txt"), null, key);

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(client.submitsOf(first.json().path("id").asText())).hasSize(1);
    }

    @Test
    void whileKafkaIsDownTheInboxAnswers503AndTheSpoolKeepsTheFileThenBothGoThroughOnce() throws Exception {
        String body = patch("main", "outage.txt");
        kafka.close();
        try {
            long began = System.nanoTime();
            PatchbayClient.Reply refused = client.submit("application/json", body, null);
            LOG.info("the inbox answered {} {} ms after the broker stopped", refused.status(),
                    (System.nanoTime() - began) / 1_000_000);
            assertProblem(refused, 503);
            assertThat(refused.header("Retry-After")).isNotBlank();
            assertThat(refused.json().path("detail").asText()).contains("nothing was submitted");

            Files.writeString(spool("main", "incoming").resolve("outage.json"), patch("main", "outage-spool.txt"));
            // The watcher tries (the file is in processing while it waits for Kafka) and puts the file back.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(spool("main", "processing").resolve("outage.json")));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
                    .until(() -> Files.exists(spool("main", "incoming").resolve("outage.json")));
            assertThat(spool("main", "accepted").resolve("outage.json")).doesNotExist();
            assertThat(spool("main", "rejected")).isEmptyDirectory();
        } finally {
            kafka = EmbeddedKafka.start(home.resolve("kafka"), kafkaPort);
        }

        Path receipt = spool("main", "accepted").resolve("outage.json" + SpoolWatcher.RECEIPT_SUFFIX);
        await().atMost(WAIT).until(() -> Files.exists(receipt));
        assertThat(spool("main", "accepted").resolve("outage.json")).exists();
        assertThat(spool("main", "incoming")).isEmptyDirectory();
        assertThat(spool("main", "processing")).isEmptyDirectory();
        String spooled = Json.mapper().readTree(receipt.toFile()).path("id").asText();
        assertThat(client.submitsOf(spooled)).hasSize(1);

        PatchbayClient.Reply taken = client.submit("application/json", body, null);
        assertThat(taken.status()).as(taken.body()).isEqualTo(202);
        assertThat(client.submitsOf(taken.json().path("id").asText())).as("the 503 left nothing behind").hasSize(1);
    }
}
