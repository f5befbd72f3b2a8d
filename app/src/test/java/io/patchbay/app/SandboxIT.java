package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.Violation;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxRequirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * patchbay on a machine without bubblewrap, made so by pointing {@code PATCHBAY_BWRAP} at a program
 * that does not exist: it still starts and answers ready; a patch that would run a command in a
 * sandboxed domain is rejected with the reason and how to install bubblewrap, a file-only patch
 * runs; and a domain whose contract turns the sandbox off is warned about at start and in its
 * summaries, and runs its gates unconfined.
 */
class SandboxIT {

    private static final String CONTRACT = """
            version: "sandbox-it-1"
            domains:
              confined:
                workspace: var/workspaces/confined
                commands:
                  allow: [["true"]]
              unconfined:
                workspace: var/workspaces/unconfined
                commands:
                  allow: [["true"]]
                  sandbox: none
            """;

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;
    static ListAppender<ILoggingEvent> startLog;
    static Path missingBwrap;

    @BeforeAll
    static void start() throws Exception {
        TestContracts.install(home, CONTRACT);
        missingBwrap = home.resolve("not-installed/bwrap");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        startLog = new ListAppender<>();
        startLog.start();
        root.addAppender(startLog);
        try {
            patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0),
                    Map.of(Bubblewrap.ENV, missingBwrap.toString()));
        } finally {
            root.detachAppender(startLog);
        }
        client = PatchbayClient.whenReady(patchbay);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static String submit(String domain, String file, String gatesJson) throws Exception {
        String json = "{\"domain\":\"" + domain + "\",\"title\":\"Add " + file + "\","
                + "\"files\":[{\"path\":\"" + file + "\",\"content\":\"hello\\n\"}]"
                + (gatesJson == null ? "" : ",\"gates\":" + gatesJson) + "}";
        PatchbayClient.Reply reply = client.submit("application/json", json, null);
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        return reply.json().path("id").asText();
    }

    private static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.status(id), s -> s.equals(status));
    }

    private static List<String> warnings() {
        return startLog.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void startsAndAnswersReadyWithoutBubblewrapAndSaysWhichDomainsItAffects() throws Exception {
        assertThat(client.get("/health/ready").status()).isEqualTo(200);
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("command sandbox is not available")
                .contains(missingBwrap.toString()).contains("confined").contains("apt-get install bubblewrap"));
    }

    @Test
    void patchWithACommandGateIsRejectedWithHowToInstallBubblewrap() throws Exception {
        String id = submit("confined", "gated.txt", "[{\"name\":\"check\",\"run\":[\"true\"]}]");

        awaitStatus(id, "Rejected");
        List<Violation> violations = client.events().stream()
                .filter(e -> id.equals(e.patchId()) && e.body() instanceof EventBody.Rejected)
                .map(Event::body).map(EventBody.Rejected.class::cast)
                .flatMap(r -> r.violations().stream()).toList();
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo(SandboxRequirement.CODE);
            assertThat(v.message()).contains("apt-get install bubblewrap").contains(missingBwrap.toString());
        });
        assertThat(client.get("/v1/patches/" + id).json().path("reason").asText())
                .contains("apt-get install bubblewrap");
        assertThat(home.resolve("var/workspaces/confined/gated.txt")).doesNotExist();
    }

    @Test
    void fileOnlyPatchRunsWithoutBubblewrap() throws Exception {
        String id = submit("confined", "plain.txt", null);

        awaitStatus(id, "Succeeded");
        assertThat(home.resolve("var/workspaces/confined/plain.txt")).hasContent("hello");
    }

    @Test
    void domainWithoutASandboxIsWarnedAboutAtStartAndInItsSummaries() throws Exception {
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("domain unconfined")
                .contains("WITHOUT a sandbox").contains("commands.sandbox: none"));
        assertThat(warnings()).noneSatisfy(w -> assertThat(w).contains("domain confined "));

        String id = submit("unconfined", "loose.txt", "[{\"name\":\"check\",\"run\":[\"true\"]}]");

        awaitStatus(id, "Succeeded");
        Path summary = home.resolve("var/summaries/unconfined/" + id + ".md");
        assertThat(summary).exists();
        assertThat(Files.readString(summary)).contains("| Sandbox | **none**")
                .contains("commands.sandbox: none");
        assertThat(client.get("/v1/patches/" + id + "/summary").body()).contains("| Sandbox | **none**");
    }
}
