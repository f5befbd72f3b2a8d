package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard as a person sees it: headless Chromium (Debian's package, installed by .ci/run)
 * loads it after a patch ran, and the test reads what it shows. A screenshot is kept in
 * {@code app/target/dashboard.png}.
 */
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path home;

    static Patchbay patchbay;
    static PatchbayClient client;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "needs Debian's chromium at /usr/bin/chromium (.ci/run installs it); the dashboard's HTTP contract is tested in health");
        patchbay = Patchbay.start(PatchbayConfig.local(home).withPorts(0, 0));
        client = new PatchbayClient(patchbay);
        await().atMost(Duration.ofSeconds(60)).until(() -> client.get("/health/ready").status() == 200);
    }

    @AfterAll
    static void stop() {
        if (patchbay != null) {
            patchbay.close();
        }
    }

    private static List<String> chromium(String... extra) {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + home.resolve("chromium-profile"),
                "--virtual-time-budget=6000"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static String run(List<String> cmd, Path output) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectOutput(output.toFile())
                .redirectError(home.resolve("chromium.err").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s");
        }
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    @Test
    void dashboardShowsTheDomainsAndAPatchThatRanWithALinkToItsSummary() throws Exception {
        String id = client.submit("application/json", """
                {"domain":"main","title":"Seen on the dashboard","files":[{"path":"seen.txt","content":"x"}]}
                """, null).json().path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> client.status(id), "Succeeded"::equals);

        String url = client.base() + "/";
        String dom = run(chromium("--dump-dom", url), home.resolve("dom.html"));

        assertThat(dom).contains("data-ready=\"true\"");
        assertThat(dom).containsPattern("id=\"overall\"[^>]*data-status=\"(healthy|degraded)\"");
        assertThat(dom).containsPattern("<tr[^>]*data-domain=\"main\"");
        assertThat(dom).containsPattern("<tr[^>]*data-domain=\"ops\"");
        assertThat(dom).containsPattern("<tr[^>]*data-patch-id=\"" + id + "\"[^>]*data-status=\"Succeeded\"|"
                + "<tr[^>]*data-status=\"Succeeded\"[^>]*data-patch-id=\"" + id + "\"");
        assertThat(dom).contains("href=\"/v1/patches/" + id + "/summary\"");
        assertThat(dom).contains("Seen on the dashboard");

        Path shot = Path.of("target/dashboard.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        run(chromium("--screenshot=" + shot, "--window-size=1300,900", url), home.resolve("shot.log"));
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(1000);
    }
}
