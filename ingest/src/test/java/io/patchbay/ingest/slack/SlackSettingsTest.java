package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlackSettingsTest {

    @TempDir
    Path dir;

    @Test
    void isOffWithoutAFileOrABotTokenUnderEitherName() {
        assertThat(SlackSettings.load(dir.resolve("slack.yml"), Map.of(), dir)).isEmpty();
        assertThat(SlackSettings.load(dir.resolve("slack.yml"), Map.of(SlackSettings.BOLT_SIGNING_SECRET, "s"), dir))
                .isEmpty();
    }

    @Test
    void readsSecretsFromTheEnvironmentOverTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("slack.yml"), "botToken: xoxb-from-file\n");

        var settings = SlackSettings.load(file, Map.of(SlackSettings.ENV_SIGNING_SECRET, "s3cret",
                SlackSettings.ENV_BOT_TOKEN, "xoxb-from-env"), dir.resolve("slack")).orElseThrow();

        assertThat(settings.botToken()).isEqualTo("xoxb-from-env");
        assertThat(settings.signingSecret()).isEqualTo("s3cret");
        assertThat(settings.socketMode()).isFalse();
        assertThat(settings.fileUrlPrefixes()).isEqualTo(SlackSettings.SLACK_FILE_HOSTS);
        assertThat(settings.toString()).doesNotContain("xoxb").doesNotContain("s3cret");
    }

    @Test
    void boltsStandardNamesAloneConfigureSlack() {
        var loaded = SlackSettings.read(null, Map.of(SlackSettings.BOLT_SIGNING_SECRET, "bolt-secret",
                SlackSettings.BOLT_BOT_TOKEN, "xoxb-bolt", SlackSettings.BOLT_APP_TOKEN, "xapp-bolt"), dir).orElseThrow();

        assertThat(loaded.settings().signingSecret()).isEqualTo("bolt-secret");
        assertThat(loaded.settings().botToken()).isEqualTo("xoxb-bolt");
        assertThat(loaded.settings().appToken()).isEqualTo("xapp-bolt");
        assertThat(loaded.settings().socketMode()).isTrue();
        assertThat(loaded.sources()).contains("signing secret from SLACK_SIGNING_SECRET", "bot token from SLACK_BOT_TOKEN",
                "app-level token from SLACK_APP_TOKEN", "Socket Mode is on (an app-level token is set)");
        assertThat(String.join("\n", loaded.sources())).doesNotContain("xoxb-bolt").doesNotContain("bolt-secret");
    }

    @Test
    void patchbaysNamesWinOverBoltsWhichWinOverTheFileAndTheLogSaysSo() throws Exception {
        Path file = Files.writeString(dir.resolve("slack.yml"), "botToken: xoxb-file\nsigningSecret: file-secret\n");

        var loaded = SlackSettings.read(file, Map.of(
                SlackSettings.ENV_BOT_TOKEN, "xoxb-patchbay", SlackSettings.BOLT_BOT_TOKEN, "xoxb-bolt",
                SlackSettings.BOLT_SIGNING_SECRET, "bolt-secret"), dir).orElseThrow();

        assertThat(loaded.settings().botToken()).isEqualTo("xoxb-patchbay");
        assertThat(loaded.settings().signingSecret()).isEqualTo("bolt-secret");
        assertThat(loaded.sources()).contains(
                "bot token from PATCHBAY_SLACK_BOT_TOKEN (SLACK_BOT_TOKEN and slack.yml are also set and not used:"
                        + " PATCHBAY_SLACK_BOT_TOKEN wins over SLACK_BOT_TOKEN, which wins over slack.yml)",
                "signing secret from SLACK_SIGNING_SECRET (slack.yml is also set and not used:"
                        + " PATCHBAY_SLACK_SIGNING_SECRET wins over SLACK_SIGNING_SECRET, which wins over slack.yml)",
                "Socket Mode is off (no app-level token); Slack calls /slack/events");
    }

    @Test
    void socketModeNeedsNoSigningSecret() {
        var settings = SlackSettings.load(null, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1",
                SlackSettings.ENV_APP_TOKEN, "xapp-1"), dir).orElseThrow();

        assertThat(settings.socketMode()).isTrue();
        assertThat(settings.signingSecret()).isNull();
    }

    @Test
    void refusesAMissingSigningSecretNamingBothVariables() {
        assertThatThrownBy(() -> SlackSettings.load(null, Map.of(SlackSettings.BOLT_BOT_TOKEN, "xoxb-1"), dir))
                .hasMessageContaining(SlackSettings.ENV_SIGNING_SECRET).hasMessageContaining(SlackSettings.BOLT_SIGNING_SECRET);
    }

    @Test
    void refusesPermissionsInTheSlackFileAndSaysWhatToPutInTheContract() throws Exception {
        Path file = Files.writeString(dir.resolve("slack.yml"), """
                domains:
                  main:
                    channels: [C0MAIN]
                    submitters: {users: [U0ALICE], channels: [C0MAIN]}
                    approvers: [U0BOB, carol]
                    fourEyes: true
                    alertChannel: C0ALERTS
                """);

        assertThatThrownBy(() -> SlackSettings.load(file, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1",
                SlackSettings.ENV_SIGNING_SECRET, "s"), dir))
                .hasMessageContaining("slack.yml")
                .hasMessageContaining("'domains' is no longer read")
                .hasMessageContaining("execution contract")
                .hasMessageContaining("slackChannels: {C0MAIN: main}")
                .hasMessageContaining("slackUsers: [U0ALICE]")
                .hasMessageContaining("approvers: [slack:U0BOB, carol]")
                .hasMessageContaining("alerts: {slackChannel: C0ALERTS}");
    }

    @Test
    void refusesAnUnknownKeyOfTheFile() throws Exception {
        Path typo = Files.writeString(dir.resolve("slack.yml"), "botTokn: xoxb-1\n");
        assertThatThrownBy(() -> SlackSettings.load(typo, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1",
                SlackSettings.ENV_SIGNING_SECRET, "s"), dir)).hasMessageContaining("botTokn");
    }
}
