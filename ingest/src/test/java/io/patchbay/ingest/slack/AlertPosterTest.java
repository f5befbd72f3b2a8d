package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertPosterTest {

    @TempDir
    Path state;

    private final SlackOutboxTest.ScriptedSlack slack = new SlackOutboxTest.ScriptedSlack();
    private final SlackOutbox outbox = new SlackOutbox(slack, Duration.ofMillis(1), 10, 2);

    @AfterEach
    void close() {
        outbox.close();
    }

    private final java.util.concurrent.atomic.AtomicReference<io.patchbay.contracts.policy.ExecutionContract> contract =
            new java.util.concurrent.atomic.AtomicReference<>(SlackContracts.standard());

    /** The contract's main names C0ALERTS as its alert channel; ops names none. */
    private AlertPoster poster() {
        return new AlertPoster(new SlackPermissions(contract::get), outbox);
    }

    @Test
    void postsADomainsAlertToItsAlertChannelOnly() {
        AlertPoster poster = poster();
        poster.on(new Alert("main", Alerts.SLA_BREACHED, "sla.queueDepth=1", "3", List.of("p1", "p2"), Instant.EPOCH,
                "main: 3 patches wait, more than the limit of 1"));
        poster.on(new Alert("ops", Alerts.STUCK, "sla.runTime=5m", "PT6M", List.of("p9"), Instant.EPOCH, "ops: stuck"));

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 1);
        assertThat(slack.posted.get(0)).startsWith("C0ALERTS:").contains("SlaBreached").contains("`main`")
                .contains("limit sla.queueDepth=1, now 3").contains("`p1`, `p2`");
    }

    @Test
    void driftAlertNamesItsFilesEscapedSoNoFileNameCanMentionAnyone() {
        poster().on(new Alert("main", Alerts.DRIFT_FOUND, null, "77aa0b1c", List.of(), Instant.EPOCH,
                "main is frozen: its workspace is not what the log says (2 files changed; files: README.md,"
                        + " <!channel> & co.txt); unfreeze it with --adopt or --reset"));

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 1);
        assertThat(slack.posted.get(0)).startsWith("C0ALERTS:").contains("*DriftFound* in `main`")
                .contains("files: README.md, &lt;!channel&gt; &amp; co.txt)").doesNotContain("<!channel>");
    }

    @Test
    void installationWideAlertsGoToEveryAlertChannel() {
        poster().on(new Alert(Alerts.ALL_DOMAINS, Alerts.CONTRACT_INVALID, null, "bad", List.of(), Instant.EPOCH,
                "The edited execution contract is not valid"));
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 1);
        assertThat(slack.posted.get(0)).startsWith("C0ALERTS:").contains("ContractInvalid").doesNotContain("limit");
    }

    @Test
    void aContractReloadMovesAlertsToTheNewChannelAtOnce() {
        AlertPoster poster = poster();
        contract.set(SlackContracts.parse(SlackContracts.STANDARD.replace("C0ALERTS", "C0PAGER")));

        poster.on(new Alert("main", Alerts.STUCK, "sla.runTime=5m", "PT6M", List.of("p1"), Instant.EPOCH, "main: stuck"));

        await().atMost(Duration.ofSeconds(5)).until(() -> slack.posted.size() == 1);
        assertThat(slack.posted.get(0)).startsWith("C0PAGER:");
    }
}
