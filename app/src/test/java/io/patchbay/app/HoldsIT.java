package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds and operator actions on the real embedded broker, over HTTP as operators use them:
 * approvals with four eyes, a change window opened by editing the contract, infrastructure faults
 * retried into quarantine then released or discarded, and cancels of queued and running patches.
 * Each scenario has a domain of its own.
 */
class HoldsIT {

    private static final String ALICE = "alice-token-for-holds-it";
    private static final String BOB = "bob-token-for-holds-it";

    /** A day on which the window is closed now, whenever the test runs: two days from today. */
    private static final String CLOSED_DAY = LocalDate.now(ZoneOffset.UTC).getDayOfWeek().plus(2)
            .getDisplayName(TextStyle.SHORT, Locale.ROOT).toLowerCase(Locale.ROOT);

    private static final String CONTRACT = """
            version: "holds-it-1"
            domains:
              gated:
                workspace: var/workspaces/gated
                risk:
                  approvers: ["http:alice", "http:bob"]
                  fourEyes: true
                  levels:
                    high: {approvals: 1}
              windowed:
                workspace: var/workspaces/windowed
                risk:
                  levels:
                    medium:
                      windows: [{days: [%s], from: "00:00", to: "24:00", zone: UTC}]
              fragile:
                workspace: var/workspaces/fragile
                retry: {maxAttempts: 2, backoff: 200ms, maxBackoff: 1s, on: [infrastructure]}
                quarantine: {on: [infrastructure], discardAfter: 7d}
              slow:
                workspace: var/workspaces/slow
                commands:
                  allow: [["sleep"]]
            """.formatted(CLOSED_DAY);

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(home.resolve("contracts/sot"));
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), CONTRACT);
        Files.createDirectories(home.resolve("var/secrets"));
        Files.writeString(home.resolve("var/secrets/tokens.yml"), """
                tokens:
                  - {name: alice, sha256: %s, scopes: [submit, approve, operate]}
                  - {name: bob, sha256: %s, scopes: [submit, approve, operate]}
                """.formatted(Json.sha256Hex(ALICE), Json.sha256Hex(BOB)));
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = PatchbayClient.whenReady(patchbay);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static String submit(String token, String domain, String title, String risk, String gatesJson)
            throws Exception {
        String file = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".txt";
        String json = "{\"domain\":\"" + domain + "\",\"title\":\"" + title + "\",\"risk\":\"" + risk + "\","
                + "\"files\":[{\"path\":\"" + file + "\",\"content\":\"" + title + "\\n\"}]"
                + (gatesJson == null ? "" : ",\"gates\":" + gatesJson) + "}";
        PatchbayClient.Reply reply = client.submit(token, "application/json", json, null, Map.of());
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().path("id").asText();
    }

    private static void act(String token, String id, String action, String reason) throws Exception {
        PatchbayClient.Reply reply = client.act(token, id, action, reason);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    private static List<JsonNode> timeline(String id) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        client.get("/v1/patches/" + id).json().path("timeline").forEach(out::add);
        return out;
    }

    private static boolean timelineHas(String id, String type, String detailPart) throws Exception {
        return timeline(id).stream().anyMatch(e -> e.path("type").asText().equals(type)
                && e.path("detail").asText().contains(detailPart));
    }

    private static Path workspace(String domain) {
        return home.resolve("var/workspaces").resolve(domain);
    }

    private static long commits(String domain) throws Exception {
        try (Git git = Git.open(workspace(domain).toFile())) {
            return StreamSupport.stream(git.log().call().spliterator(), false).count();
        }
    }

    private static <T extends EventBody> T lastEvent(String id, Class<T> type) {
        List<Event> of = client.events().stream().filter(e -> id.equals(e.patchId()) && type.isInstance(e.body())).toList();
        assertThat(of).as("a %s event of %s", type.getSimpleName(), id).isNotEmpty();
        return type.cast(of.get(of.size() - 1).body());
    }

    // ---- approvals --------------------------------------------------------------------------

    @Test
    void highRiskPatchWaitsForAnApprovalFromSomeoneOtherThanItsSubmitter() throws Exception {
        String id = submit(ALICE, "gated", "Rotate the keys", "high", null);
        awaitStatus(id, "AwaitingApproval");
        assertThat(timelineHas(id, "AwaitingApproval", "1 approval")).isTrue();
        assertThat(commits("gated")).isEqualTo(1);

        act(ALICE, id, "approve", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> timelineHas(id, "CommandRefused", "four eyes"));
        assertThat(client.status(id)).isEqualTo("AwaitingApproval");

        act(BOB, id, "approve", null);
        awaitStatus(id, "Succeeded");
        assertThat(client.eventTypesOf(id)).containsExactly("Submitted", "Accepted", "AwaitingApproval",
                "CommandRefused", "Approved", "Queued", "Dispatched", "Started", "Succeeded");
        assertThat(lastEvent(id, EventBody.Approved.class).by().toString()).isEqualTo("http:bob");
        assertThat(commits("gated")).isEqualTo(2);
    }

    @Test
    void approverCanTurnAPatchDown() throws Exception {
        String id = submit(ALICE, "gated", "Drop the old table", "high", null);
        awaitStatus(id, "AwaitingApproval");

        act(BOB, id, "reject", "not before the backup");

        awaitStatus(id, "Rejected");
        assertThat(timelineHas(id, "RejectedByApprover", "not before the backup")).isTrue();
        assertThat(client.get("/v1/patches/" + id).json().path("reason").asText()).isEqualTo("not before the backup");
        assertThat(Files.exists(workspace("gated").resolve("drop-the-old-table.txt"))).isFalse();
    }

    // ---- change windows ---------------------------------------------------------------------

    @Test
    void patchOutsideItsWindowWaitsAndRunsOnceAContractEditOpensIt() throws Exception {
        String held = submit(ALICE, "windowed", "Medium change", "medium", null);
        String behind = submit(ALICE, "windowed", "Low change behind it", "low", null);
        awaitStatus(held, "HeldForWindow");
        awaitStatus(behind, "Queued");
        EventBody.HeldForWindow hold = lastEvent(held, EventBody.HeldForWindow.class);
        assertThat(hold.until()).isEqualTo(LocalDate.now(ZoneOffset.UTC).plusDays(2).atStartOfDay(ZoneOffset.UTC)
                .toInstant());
        assertThat(timelineHas(held, "HeldForWindow", "until " + hold.until())).isTrue();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> client.status(behind).equals("Queued") && client.status(held).equals("HeldForWindow"));

        Path file = home.resolve("contracts/sot/execution-contract.yml");
        Path tmp = file.resolveSibling("execution-contract.yml.tmp");
        Files.writeString(tmp, CONTRACT.replace("days: [" + CLOSED_DAY + "]", "days: [mon-sun]")
                .replace("holds-it-1", "holds-it-2"));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        awaitStatus(held, "Succeeded");
        awaitStatus(behind, "Succeeded");
        assertThat(client.eventTypesOf(held)).containsExactly("Submitted", "Accepted", "Queued", "HeldForWindow",
                "Dispatched", "Started", "Succeeded");
    }

    // ---- retries and quarantine -------------------------------------------------------------

    @Test
    void infrastructureFaultsAreRetriedIntoQuarantineThenReleasedOrDiscarded() throws Exception {
        Path tree = workspace("fragile");
        Path away = tree.resolveSibling("fragile.unmounted");
        await().until(() -> Files.isDirectory(tree.resolve(".git")));
        Files.move(tree, away);

        String first = submit(ALICE, "fragile", "Needs its disk", "low", null);
        awaitStatus(first, "Quarantined");
        String second = submit(ALICE, "fragile", "Needs it too", "low", null);
        awaitStatus(second, "Quarantined");
        assertThat(client.eventTypesOf(first)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched",
                "RetryScheduled", "Dispatched", "Quarantined");
        EventBody.Quarantined q = lastEvent(first, EventBody.Quarantined.class);
        assertThat(q.attempts()).isEqualTo(2);
        assertThat(q.reason()).contains("INFRASTRUCTURE").contains("var/workspaces/fragile does not exist; domain fragile has no git remote");
        assertThat(client.get("/v1/quarantine").body()).contains(first).contains(second);

        Files.move(away, tree);
        act(BOB, first, "release", null);
        act(BOB, second, "discard", null);

        awaitStatus(first, "Succeeded");
        awaitStatus(second, "Discarded");
        assertThat(Files.readString(tree.resolve("needs-its-disk.txt"))).isEqualTo("Needs its disk\n");
        assertThat(tree.resolve("needs-it-too.txt")).doesNotExist();
        assertThat(client.eventTypesOf(first)).endsWith("Quarantined", "Released", "Queued", "Dispatched", "Started",
                "Succeeded");
    }

    // ---- cancel -----------------------------------------------------------------------------

    @Test
    void cancelStopsAQueuedPatchAndARunningOneWhoseTreeIsRolledBack() throws Exception {
        String head = headOf("slow");
        String running = submit(ALICE, "slow", "Long gate", "low", "[{\"name\":\"wait\",\"run\":[\"sleep\",\"47\"]}]");
        awaitStatus(running, "Running");
        String queued = submit(ALICE, "slow", "Queued behind", "low", null);
        String next = submit(ALICE, "slow", "Runs after the cancel", "low", null);
        // Waiting behind the running one: in the queue, or already handed to the worker behind it.
        await().atMost(Duration.ofSeconds(60)).until(() -> client.status(queued),
                s -> s.equals("Queued") || s.equals("Dispatched"));
        await().until(() -> sleepers() == 1);

        act(BOB, queued, "cancel", "not needed");
        // A queued patch ends at once; one at the worker is stopped when its turn comes, before it starts.
        await().atMost(Duration.ofSeconds(60)).until(() -> client.eventTypesOf(queued),
                t -> t.contains("Cancelled") || t.contains("CancelRequested"));
        assertThat(client.status(running)).isEqualTo("Running");

        act(BOB, running, "cancel", "taking too long");
        awaitStatus(running, "Cancelled");
        awaitStatus(queued, "Cancelled");
        awaitStatus(next, "Succeeded");

        assertThat(sleepers()).as("the gate's process was killed").isZero();
        assertThat(client.eventTypesOf(running)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched",
                "Started", "CancelRequested", "GateFinished", "Cancelled");
        EventBody.Cancelled cancelled = lastEvent(running, EventBody.Cancelled.class);
        assertThat(cancelled.by().toString()).isEqualTo("http:bob");
        assertThat(cancelled.reason()).contains("taking too long").contains("gate 'wait'");
        assertThat(home.resolve(cancelled.summaryPath())).content().contains("Cancelled");
        assertThat(client.eventTypesOf(queued)).isIn(List.of("Submitted", "Accepted", "Queued", "Cancelled"),
                List.of("Submitted", "Accepted", "Queued", "Dispatched", "CancelRequested", "Cancelled"));
        assertThat(workspace("slow").resolve("long-gate.txt")).doesNotExist();
        assertThat(workspace("slow").resolve("queued-behind.txt")).doesNotExist();
        try (Git git = Git.open(workspace("slow").toFile())) {
            assertThat(git.status().call().isClean()).isTrue();
            assertThat(git.log().call().iterator().next().getParent(0).getName()).isEqualTo(head);
        }
        assertThat(HashChain.verify(client.events())).isEmpty();
    }

    /** How many `sleep 47` processes this JVM (its in-process worker) has started and not yet lost. */
    /** The gate's {@code sleep 47} itself; the sandbox that runs it has those words at the end of its own command line. */
    private static long sleepers() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/sleep"))
                .filter(h -> h.info().arguments().map(a -> java.util.List.of(a).equals(java.util.List.of("47")))
                        .orElse(false))
                .count();
    }

    private static String headOf(String domain) throws IOException {
        await().until(() -> Files.isDirectory(workspace(domain).resolve(".git")));
        try (Git git = Git.open(workspace(domain).toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        }
    }
}
