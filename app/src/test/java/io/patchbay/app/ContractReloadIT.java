package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.event.EventBody;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract edited while patchbay runs: a valid edit takes effect, an invalid one raises an alert and changes nothing. */
class ContractReloadIT {

    @TempDir
    Path home;

    private Patchbay patchbay;

    @AfterEach
    void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private EventBody verdictOf(PatchbayClient client, String id) {
        return client.events().stream()
                .filter(e -> id.equals(e.patchId()))
                .map(e -> e.body())
                .filter(b -> b instanceof EventBody.Accepted || b instanceof EventBody.Rejected)
                .findFirst().orElseThrow();
    }

    private String submit(PatchbayClient client, String file) throws Exception {
        PatchbayClient.Reply r = client.submit("application/json", "{\"domain\":\"main\",\"title\":\"Write " + file
                + "\",\"files\":[{\"path\":\"" + file + "\",\"content\":\"x\"}]}", null);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.status(id),
                s -> s.equals("Succeeded") || s.equals("Rejected"));
        return id;
    }

    @Test
    void validEditTakesEffectAndInvalidEditKeepsTheContractAndRaisesAnAlert() throws Exception {
        Path file = home.resolve("contracts/sot/execution-contract.yml");
        Files.createDirectories(file.getParent());
        String original = TestContracts.shipped();
        Files.writeString(file, original);
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        PatchbayClient client = new PatchbayClient(patchbay);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/health/ready").status() == 200);
        String firstVersion = patchbay.contract().version();

        String before = submit(client, "docs/before.txt");
        assertThat(client.status(before)).isEqualTo("Succeeded");

        // A valid edit: a new version that denies docs/.
        String denied = original.replaceFirst("version: \"[^\"]+\"", "version: \"reloaded-2\"")
                .replaceFirst("deny: \\[", "deny: [\"docs/**\", ");
        assertThat(denied).isNotEqualTo(original);
        Files.writeString(file, denied);
        await().atMost(Duration.ofSeconds(20)).until(() -> patchbay.contract().version().equals("reloaded-2"));

        String after = submit(client, "docs/after.txt");
        assertThat(client.status(after)).isEqualTo("Rejected");
        EventBody.Rejected rejected = (EventBody.Rejected) verdictOf(client, after);
        assertThat(rejected.contractVersion()).isEqualTo("reloaded-2");
        assertThat(rejected.violations()).extracting(v -> v.code()).contains("PATH_DENIED");
        assertThat(((EventBody.Accepted) verdictOf(client, before)).contractVersion()).isEqualTo(firstVersion);

        // An invalid edit: the contract in force stays, and an alert says why.
        Files.writeString(file, denied.replace("domains:", "domainz:"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.get("/v1/alerts").body().contains("ContractInvalid"));
        assertThat(patchbay.contract().version()).isEqualTo("reloaded-2");
        String still = submit(client, "docs/still.txt");
        assertThat(client.status(still)).isEqualTo("Rejected");
    }
}
