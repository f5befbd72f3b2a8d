package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Freeze-verify end to end on the embedded broker: a workspace edited behind patchbay's back is
 * found within the contract's check interval, the domain freezes and its patches wait, health says
 * so, and an operator's unfreeze (reset, then adopt) lets them run.
 */
class DriftIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        // The default contract, with a check of main every second so that drift is found while the test
        // waits; ops keeps its five minutes, so only the check before each patch can find an edit there.
        String contract = TestContracts.shipped().replaceFirst("driftCheckInterval: 5m", "driftCheckInterval: 1s");
        assertThat(contract).contains("driftCheckInterval: 5m");
        assertThat(contract).contains("driftCheckInterval: 1s");
        Files.createDirectories(home.resolve("contracts/sot"));
        Files.writeString(home.resolve("contracts/sot/execution-contract.yml"), contract);
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = new PatchbayClient(patchbay);
        await().atMost(WAIT).until(() -> client.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static Path workspace() {
        return home.resolve("var/workspaces/main");
    }

    private static String submit(String file, String content) throws Exception {
        return submit("main", file, content);
    }

    private static String submit(String domain, String file, String content) throws Exception {
        String body = "{\"domain\":\"" + domain + "\",\"title\":\"Write " + file + "\",\"files\":[{\"path\":\"" + file
                + "\",\"content\":\"" + content + "\\n\"}],\"gates\":[{\"name\":\"written\",\"fileContains\":{\"path\":\""
                + file + "\",\"text\":\"" + content + "\"}}]}";
        PatchbayClient.Reply reply = client.submit("application/json", body, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().path("id").asText();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> client.status(id), s -> s.equals(status));
    }

    /** The domain-level events of main of that type, oldest first. */
    private static <T extends EventBody> List<T> domainEvents(Class<T> type) {
        return domainEvents("main", type);
    }

    private static <T extends EventBody> List<T> domainEvents(String domain, Class<T> type) {
        return client.events().stream().filter(e -> domain.equals(e.domain()) && e.patchId() == null)
                .map(Event::body).filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends EventBody> T awaitNext(Class<T> type, int seenBefore) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> domainEvents(type), l -> l.size() > seenBefore).get(seenBefore);
    }

    private static JsonNode health() throws Exception {
        return client.get("/health").json();
    }

    private static String head() throws Exception {
        try (Git git = Git.open(workspace().toFile())) {
            return git.getRepository().resolve("HEAD").getName();
        }
    }

    private static void unfreeze(String mode) {
        unfreeze("main", mode);
    }

    private static void unfreeze(String domain, String mode) {
        var out = new StringWriter();
        int code = new CommandLine(new DomainCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(out))
                .execute("unfreeze", domain, "--" + mode, "--url", client.base(), "--token-file",
                        home.resolve("var/secrets/submit-token").toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("\"mode\":\"" + mode + "\"");
    }

    @Test
    void workspaceEditedBehindPatchbaysBackFreezesTheDomainUntilAnOperatorResetsOrAdoptsIt() throws Exception {
        String first = submit("docs/first.md", "first");
        awaitStatus(first, "Succeeded");
        String applied = head();
        await("a check after the patch records its commit").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> domainEvents(EventBody.Snapshot.class).stream().anyMatch(s -> s.commitId().equals(applied)));

        // Behind patchbay's back: a tracked file edited and a new one left lying around.
        String readme = Files.readString(workspace().resolve("README.md"));
        Files.writeString(workspace().resolve("README.md"), readme + "Edited by hand.\n");
        Files.writeString(workspace().resolve("stray.txt"), "nobody asked for this\n");

        EventBody.DriftFound drift = awaitNext(EventBody.DriftFound.class, 0);
        assertThat(drift.expectedCommit()).isEqualTo(applied);
        assertThat(drift.detail()).contains("modified README.md").contains("untracked stray.txt");
        await().atMost(WAIT).until(() -> health().path("domains").path("main").path("frozen").asBoolean());
        JsonNode frozen = health();
        assertThat(frozen.path("status").asText()).isEqualTo("degraded");
        assertThat(frozen.path("reasons").toString()).contains("main is frozen").contains("README.md");

        String waiting = submit("docs/second.md", "second");
        awaitStatus(waiting, "Queued");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> client.status(waiting).equals("Queued"));
        assertThat(workspace().resolve("docs/second.md")).doesNotExist();

        unfreeze("reset");
        assertThat(awaitNext(EventBody.DomainUnfrozen.class, 0).mode()).isEqualTo("reset");
        awaitStatus(waiting, "Succeeded");
        assertThat(Files.readString(workspace().resolve("README.md"))).isEqualTo(readme);
        assertThat(workspace().resolve("stray.txt")).doesNotExist();
        assertThat(workspace().resolve("docs/second.md")).exists();
        await().atMost(WAIT).until(() -> !health().path("domains").path("main").path("frozen").asBoolean());

        // Again, and this time the operator keeps the edit.
        String beforeAdopt = head();
        Files.writeString(workspace().resolve("README.md"), readme + "Kept on purpose.\n");
        assertThat(awaitNext(EventBody.DriftFound.class, 1).detail()).contains("modified README.md");
        String third = submit("docs/third.md", "third");
        awaitStatus(third, "Queued");

        unfreeze("adopt");
        assertThat(awaitNext(EventBody.DomainUnfrozen.class, 1).mode()).isEqualTo("adopt");
        awaitStatus(third, "Succeeded");
        try (Git git = Git.open(workspace().toFile())) {
            Optional<RevCommit> adopted = java.util.stream.StreamSupport.stream(git.log().call().spliterator(), false)
                    .filter(c -> c.getFullMessage().contains("Adopted-By: http:local")).findFirst();
            assertThat(adopted).isPresent();
            assertThat(adopted.get().getParent(0).getName()).isEqualTo(beforeAdopt);
        }
        assertThat(Files.readString(workspace().resolve("README.md"))).contains("Kept on purpose.");
        assertThat(HashChain.verify(client.events())).isEmpty();
    }

    @Test
    void handEditIsFoundBeforeTheNextPatchKeptWhilePatchesWaitAndSavedOnARefByReset() throws Exception {
        Path ops = home.resolve("var/workspaces/ops");
        String first = submit("ops", "docs/first.md", "first");
        awaitStatus(first, "Succeeded");
        String applied;
        try (Git git = Git.open(ops.toFile())) {
            applied = git.getRepository().resolve("HEAD").getName();
        }

        // By hand, minutes before ops's next idle check: only the check before the next patch can see it.
        Files.writeString(ops.resolve("docs/first.md"), "first\nand a line typed by hand\n");
        Files.writeString(ops.resolve("scratch.txt"), "notes of a person\n");
        String second = submit("ops", "docs/second.md", "second");
        String third = submit("ops", "docs/third.md", "third");

        EventBody.DriftFound drift = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> domainEvents("ops", EventBody.DriftFound.class), l -> !l.isEmpty()).get(0);
        assertThat(drift.expectedCommit()).isEqualTo(applied);
        assertThat(drift.files()).containsExactly("docs/first.md", "scratch.txt");
        await().atMost(WAIT).until(() -> health().path("domains").path("ops").path("frozen").asBoolean());
        assertThat(health().path("reasons").toString()).contains("ops is frozen")
                .contains("files: docs/first.md, scratch.txt");
        assertThat(client.get("/v1/domains/ops").json().path("freeze").path("files"))
                .extracting(JsonNode::asText).containsExactly("docs/first.md", "scratch.txt");
        awaitStatus(second, "Queued");
        awaitStatus(third, "Queued");
        assertThat(client.eventTypesOf(second)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched",
                "Queued");
        // Nothing lost, nothing applied: the edit is where the person left it.
        assertThat(Files.readString(ops.resolve("docs/first.md"))).isEqualTo("first\nand a line typed by hand\n");
        assertThat(Files.readString(ops.resolve("scratch.txt"))).isEqualTo("notes of a person\n");
        assertThat(ops.resolve("docs/second.md")).doesNotExist();

        unfreeze("ops", "reset");
        EventBody.DomainUnfrozen unfrozen = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> domainEvents("ops", EventBody.DomainUnfrozen.class), l -> !l.isEmpty()).get(0);
        assertThat(unfrozen.mode()).isEqualTo("reset");
        assertThat(unfrozen.savedRef()).startsWith("refs/patchbay/drift/ops/");
        awaitStatus(second, "Succeeded");
        awaitStatus(third, "Succeeded");

        try (Git git = Git.open(ops.toFile())) {
            var repo = git.getRepository();
            RevCommit saved = repo.parseCommit(repo.resolve(unfrozen.savedRef()));
            assertThat(saved.getParent(0).getName()).isEqualTo(applied);
            assertThat(contentOf(repo, saved, "docs/first.md")).isEqualTo("first\nand a line typed by hand\n");
            assertThat(contentOf(repo, saved, "scratch.txt")).isEqualTo("notes of a person\n");
            assertThat(git.status().call().isClean()).isTrue();
        }
        assertThat(Files.readString(ops.resolve("docs/first.md"))).isEqualTo("first\n");
        assertThat(ops.resolve("scratch.txt")).doesNotExist();
        for (String id : List.of(second, third)) {
            assertThat(client.events().stream().filter(e -> id.equals(e.patchId()) && e.body().terminal()))
                    .as("terminal events of %s", id).hasSize(1);
        }
        assertThat(HashChain.verify(client.events())).isEmpty();
    }

    private static String contentOf(org.eclipse.jgit.lib.Repository repo, RevCommit c, String path) throws Exception {
        try (var walk = org.eclipse.jgit.treewalk.TreeWalk.forPath(repo, path, c.getTree())) {
            return walk == null ? null
                    : new String(repo.open(walk.getObjectId(0)).getBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void finishedPatchesAreScoredAndTheDigestCarriesTheScoreAndTheChainHead() throws Exception {
        String id = submit("docs/scored.md", "scored");
        awaitStatus(id, "Succeeded");

        EventBody.Succeeded done = client.events().stream().filter(e -> id.equals(e.patchId()))
                .map(Event::body).filter(EventBody.Succeeded.class::isInstance).map(EventBody.Succeeded.class::cast)
                .findFirst().orElseThrow();
        assertThat(done.score()).isNotNull().isBetween(0.0, 1.0);
        assertThat(client.get("/v1/patches/" + id + "/summary").body()).contains("## Self-evaluation")
                .contains("| gates-passed | yes | 4/4 |");

        Event last = client.events().stream().filter(e -> "main".equals(e.domain())).reduce((a, b) -> b).orElseThrow();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode main = null;
            for (JsonNode d : client.get("/v1/digest?since=1h").json().path("domains")) {
                if (d.path("domain").asText().equals("main")) {
                    main = d;
                }
            }
            assertThat(main).isNotNull();
            assertThat(main.path("outcomes").path("meanScore").isNumber()).isTrue();
            assertThat(main.path("lastSeq").asLong()).isGreaterThanOrEqualTo(last.seq());
            assertThat(main.path("headHash").asText()).hasSize(64);
        });
    }
}
