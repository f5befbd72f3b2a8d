package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlackSettingsTest {

    @TempDir
    Path dir;

    @Test
    void isOffWithoutAFileOrABotToken() {
        assertThat(SlackSettings.load(dir.resolve("slack.yml"), Map.of(), dir)).isEmpty();
    }

    @Test
    void readsDomainsFromTheFileAndSecretsFromTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("slack.yml"), """
                botToken: xoxb-from-file
                domains:
                  main:
                    channels: [C0MAIN]
                    submitters: {users: [U0ALICE], channels: [C0MAIN]}
                    approvers: [U0BOB]
                  ops:
                    approvers: [U0BOB]
                    fourEyes: false
                """);

        var settings = SlackSettings.load(file, Map.of(SlackSettings.ENV_SIGNING_SECRET, "s3cret",
                SlackSettings.ENV_BOT_TOKEN, "xoxb-from-env"), dir.resolve("slack")).orElseThrow();

        assertThat(settings.botToken()).isEqualTo("xoxb-from-env");
        assertThat(settings.signingSecret()).isEqualTo("s3cret");
        assertThat(settings.socketMode()).isFalse();
        assertThat(settings.domainOfChannel("C0MAIN")).hasValue("main");
        assertThat(settings.domainOfChannel("C0OTHER")).isEmpty();
        assertThat(settings.domains().get("main").maySubmit("U0ALICE", "C0X")).isTrue();
        assertThat(settings.domains().get("main").maySubmit("U0EVE", "C0MAIN")).isTrue();
        assertThat(settings.domains().get("main").maySubmit("U0EVE", "C0X")).isFalse();
        assertThat(settings.domains().get("main").fourEyes()).isTrue();
        assertThat(settings.domains().get("ops").fourEyes()).isFalse();
        assertThat(settings.fileUrlPrefixes()).isEqualTo(SlackSettings.SLACK_FILE_HOSTS);
        assertThat(settings.toString()).doesNotContain("xoxb").doesNotContain("s3cret");
    }

    @Test
    void socketModeNeedsNoSigningSecret() {
        var settings = SlackSettings.load(null, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1",
                SlackSettings.ENV_APP_TOKEN, "xapp-1"), dir).orElseThrow();

        assertThat(settings.socketMode()).isTrue();
        assertThat(settings.signingSecret()).isNull();
    }

    @Test
    void refusesAChannelMappedToTwoDomainsAndAMissingSigningSecret() throws Exception {
        var d = new SlackSettings.SlackDomain(List.of("C1"), null, null, null);
        assertThatThrownBy(() -> SlackSettings.of("s", "xoxb-1", Map.of("a", d, "b", d), dir))
                .hasMessageContaining("C1").hasMessageContaining("'a'").hasMessageContaining("'b'");

        assertThatThrownBy(() -> SlackSettings.load(null, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1"), dir))
                .hasMessageContaining(SlackSettings.ENV_SIGNING_SECRET);

        Path typo = Files.writeString(dir.resolve("slack.yml"), "domains:\n  main:\n    aprovers: [U1]\n");
        assertThatThrownBy(() -> SlackSettings.load(typo, Map.of(SlackSettings.ENV_BOT_TOKEN, "xoxb-1",
                SlackSettings.ENV_SIGNING_SECRET, "s"), dir)).hasMessageContaining("aprovers");
    }
}
