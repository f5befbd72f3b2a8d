package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.HashChain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stopping and starting again resumes from the log under var/ with nothing replayed twice. */
class RestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(RestartIT.class);

    @TempDir
    Path home;

    private String run(PatchbayClient client, String domain, String file) throws Exception {
        String body = "{\"domain\":\"" + domain + "\",\"title\":\"Write " + file + "\",\"files\":[{\"path\":\"" + file
                + "\",\"content\":\"" + file + "\\n\"}]}";
        PatchbayClient.Reply reply = client.submit("application/json", body, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        String id = reply.json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), "Succeeded"::equals);
        return id;
    }

    private long commitCount(String domain) throws Exception {
        try (Git git = Git.open(home.resolve("var/workspaces").resolve(domain).toFile())) {
            return StreamSupport.stream(git.log().call().spliterator(), false).count();
        }
    }

    private static Patchbay startAndAwaitReady(PatchbayConfig config) throws Exception {
        Patchbay p = Patchbay.start(config);
        PatchbayClient c = new PatchbayClient(p);
        await().atMost(Duration.ofSeconds(60)).until(() -> c.get("/health/ready").status() == 200);
        return p;
    }

    @Test
    void restartResumesFromTheLogWithoutReplayingAnything() throws Exception {
        PatchbayConfig config = PatchbayConfig.local(home).withPorts(0, 0);
        String first;
        String token;
        List<Event> logBefore;
        long commitsBefore;

        Patchbay patchbay = startAndAwaitReady(config);
        try {
            PatchbayClient client = new PatchbayClient(patchbay);
            first = run(client, "main", "first.txt");
            token = patchbay.token();
            logBefore = client.events();
            commitsBefore = commitCount("main");
        } finally {
            long began = System.nanoTime();
            patchbay.close();
            LOG.info("close took {} ms", (System.nanoTime() - began) / 1_000_000);
        }

        patchbay = startAndAwaitReady(config);
        try {
            PatchbayClient client = new PatchbayClient(patchbay);
            assertThat(patchbay.token()).as("the submit token survives a restart").isEqualTo(token);
            assertThat(client.status(first)).isEqualTo("Succeeded");

            String second = run(client, "main", "second.txt");

            List<Event> logAfter = client.events();
            assertThat(logAfter.subList(0, logBefore.size())).isEqualTo(logBefore);
            assertThat(logAfter.stream().filter(e -> first.equals(e.patchId())).count())
                    .as("no event of the first patch is written again").isEqualTo(
                            logBefore.stream().filter(e -> first.equals(e.patchId())).count());
            assertThat(logAfter.stream().filter(e -> second.equals(e.patchId())).map(Event::type))
                    .startsWith("Submitted").endsWith("Succeeded");
            assertThat(HashChain.verify(logAfter)).isEmpty();
            assertThat(commitCount("main")).isEqualTo(commitsBefore + 1);
        } finally {
            patchbay.close();
        }
    }
}
