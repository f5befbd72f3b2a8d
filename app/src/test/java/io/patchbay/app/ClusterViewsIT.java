package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.executor.worker.WorkerConfig;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two complete instances on one real broker, topics of six partitions, patches in eight domains: each
 * instance's watchdog holds some domains only, yet every read route answers the same body from
 * either, and a patch the other instance holds is found from both.
 *
 * <p>Fields that differ by the moment of asking, not by the instance's share, are removed before
 * comparing: {@code checkedAt} (health), {@code generatedAt} (dashboard) and the {@code since} and
 * {@code until} of the last hour's and day's outcomes, which are measured from the request's now.
 */
class ClusterViewsIT {

    private static final int PARTITIONS = 6;
    private static final List<String> DOMAINS = List.of("main", "ops", "alpha", "beta", "gamma", "delta", "eps", "zeta");
    private static final Set<String> MOMENTARY = Set.of("checkedAt", "generatedAt", "since", "until");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path home;

    static EmbeddedKafka kafka;
    static Patchbay a;
    static Patchbay b;
    static PatchbayClient onA;
    static PatchbayClient onB;
    static final List<String> patchIds = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(home.resolve("kafka"), 0);
        a = instance("a");
        b = instance("b");
        onA = PatchbayClient.whenReady(a);
        onB = PatchbayClient.whenReady(b);
        // Both watchdogs have joined and split the partitions between them.
        await().atMost(WAIT).untilAsserted(() -> {
            Set<String> heldByA = held(onA);
            Set<String> heldByB = held(onB);
            assertThat(heldByA).isNotEmpty();
            assertThat(heldByB).isNotEmpty().doesNotContainAnyElementsOf(heldByA);
            assertThat(heldByA.size() + heldByB.size()).isEqualTo(PARTITIONS);
        });
        // So have both workers: each instance has its own home, so a domain whose orders moved to the other
        // worker after its first patch would find a tree without that patch's commit.
        await().atMost(WAIT).untilAsserted(ClusterViewsIT::bothWorkersServePartitions);
        int n = 0;
        for (String domain : DOMAINS) {
            for (int i = 0; i < 2; i++, n++) {
                PatchbayClient via = n % 2 == 0 ? onA : onB;
                PatchbayClient.Reply r = via.submit("application/json", "{\"domain\":\"" + domain + "\",\"title\":\"Write "
                        + domain + " " + i + "\",\"files\":[{\"path\":\"notes/" + i + ".txt\",\"content\":\"" + domain
                        + " " + i + "\\n\"}]}", null);
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                patchIds.add(r.json().path("id").asText());
            }
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (String id : patchIds) {
                PatchbayClient.Reply r = onA.get("/v1/patches/" + id);
                assertThat(r.status()).as(id + ": " + r.body()).isEqualTo(200);
                PatchStatus status = PatchStatus.of(r.json().path("status").asText());
                assertThat(status.terminal() || status == PatchStatus.QUARANTINED).as(id + " " + status).isTrue();
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, kafka}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static void bothWorkersServePartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(WorkerConfig.DEFAULT_GROUP_ID))
                    .all().get().get(WorkerConfig.DEFAULT_GROUP_ID);
            assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(group.members()).hasSize(2)
                    .allSatisfy(m -> assertThat(m.assignment().topicPartitions()).isNotEmpty());
        }
    }

    /** A complete instance with its own home, on the shared broker, with the eight-domain contract. */
    private static Patchbay instance(String name) throws Exception {
        Path own = home.resolve(name);
        TestContracts.install(own, eightDomains());
        return Patchbay.start(new PatchbayConfig(own, "127.0.0.1", 0, 0, kafka.bootstrapServers(), null, PARTITIONS,
                (short) 1), Map.of());
    }

    /** The shipped contract with the {@code ops} domain copied under six more names. */
    private static String eightDomains() {
        String shipped = TestContracts.shipped();
        int at = shipped.indexOf("\n  ops:\n");
        assertThat(at).as("the shipped contract ends with the ops domain").isPositive();
        String ops = shipped.substring(at + 1);
        var out = new StringBuilder(shipped);
        for (String d : DOMAINS.subList(2, DOMAINS.size())) {
            out.append(ops.replace("  ops:\n", "  " + d + ":\n").replace("workspaces/ops", "workspaces/" + d)
                    .replace("/srv/ops", "/srv/" + d));
        }
        return out.toString();
    }

    /** What an instance's own stores answer, without the other's: the internal route peers ask. */
    private static JsonNode own(PatchbayClient client, String query) throws Exception {
        PatchbayClient.Reply r = client.send(HttpRequest.newBuilder(URI.create(client.base() + "/internal/views"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(query)).build());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static Set<String> held(PatchbayClient client) throws Exception {
        var out = new TreeSet<String>();
        own(client, "{\"kind\":\"DOMAINS\"}").path("partitions")
                .forEach(p -> {
                    if (p.asText().startsWith(Topics.EVENTS + "-")) {
                        out.add(p.asText());
                    }
                });
        return out;
    }

    private static Set<String> ownDomains(PatchbayClient client) throws Exception {
        var out = new TreeSet<String>();
        own(client, "{\"kind\":\"DOMAINS\"}").path("answer").forEach(d -> out.add(d.path("domain").asText()));
        return out;
    }

    /** The body with the momentary fields removed, as canonical JSON. */
    private static String comparable(PatchbayClient.Reply reply) {
        JsonNode json = reply.json();
        strip(json);
        return Json.canonical(json);
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(MOMENTARY);
        }
        node.forEach(ClusterViewsIT::strip);
    }

    @Test
    void eachInstanceHoldsSomeDomainsOnly() throws Exception {
        Set<String> mine = ownDomains(onA);
        Set<String> theirs = ownDomains(onB);
        assertThat(mine).isNotEmpty();
        assertThat(theirs).isNotEmpty().doesNotContainAnyElementsOf(mine);
        var both = new HashSet<>(mine);
        both.addAll(theirs);
        assertThat(both).containsExactlyInAnyOrderElementsOf(DOMAINS);
    }

    @Test
    void everyReadRouteAnswersTheSameBodyFromEitherInstance() {
        var routes = new ArrayList<>(List.of("/health", "/v1/domains", "/v1/patches", "/v1/patches?limit=5",
                "/v1/patches?status=succeeded", "/v1/patches?domain=gamma", "/v1/quarantine", "/v1/quarantine?limit=1",
                "/v1/alerts", "/v1/alerts?open=true", "/v1/domains/zeta", "/v1/dashboard"));
        patchIds.forEach(id -> routes.add("/v1/patches/" + id));
        await().atMost(WAIT).untilAsserted(() -> {
            var fromA = new LinkedHashMap<String, String>();
            var fromB = new LinkedHashMap<String, String>();
            for (String route : routes) {
                PatchbayClient.Reply ra = onA.get(route);
                PatchbayClient.Reply rb = onB.get(route);
                assertThat(ra.status()).as(route + " on a: " + ra.body()).isEqualTo(200);
                assertThat(rb.status()).as(route + " on b: " + rb.body()).isEqualTo(200);
                fromA.put(route, comparable(ra));
                fromB.put(route, comparable(rb));
            }
            assertThat(fromB).isEqualTo(fromA);
        });
        // Not alike by being empty: the lists carry every domain and patch.
        assertThat(patchIds).hasSize(2 * DOMAINS.size());
    }

    @Test
    void aPatchTheOtherInstanceHoldsIsFoundFromEither() throws Exception {
        Set<String> onlyB = ownDomains(onB);
        String heldByB = null;
        String heldByA = null;
        for (String id : patchIds) {
            PatchbayClient.Reply r = onA.get("/v1/patches/" + id);
            String domain = r.json().path("domain").asText();
            if (onlyB.contains(domain)) {
                heldByB = id;
            } else {
                heldByA = id;
            }
        }
        assertThat(heldByA).isNotNull();
        assertThat(heldByB).isNotNull();
        assertThat(own(onA, "{\"kind\":\"PATCH\",\"id\":\"" + heldByB + "\"}").path("answer").isNull())
                .as("a's own stores do not hold b's patch").isTrue();

        for (String id : List.of(heldByA, heldByB)) {
            PatchbayClient.Reply fromA = onA.get("/v1/patches/" + id);
            PatchbayClient.Reply fromB = onB.get("/v1/patches/" + id);
            assertThat(fromA.status()).as(fromA.body()).isEqualTo(200);
            assertThat(fromB.body()).isEqualTo(fromA.body());
            assertThat(fromA.json().path("id").asText()).isEqualTo(id);
        }
        PatchbayClient.Reply unknown = onA.get("/v1/patches/no-such-patch");
        assertThat(unknown.status()).as("unknown on every instance").isEqualTo(404);
    }
}
