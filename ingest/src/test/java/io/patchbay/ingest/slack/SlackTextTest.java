package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.patch.PatchReader.Format;
import org.junit.jupiter.api.Test;

class SlackTextTest {

    @Test
    void undoesSlacksEscapingAndLinkMarkup() {
        assertThat(SlackText.unescape("a &lt;b&gt; &amp;&amp; <https://x.io/a|x.io/a> <mailto:a@b.c|a@b.c> <https://y.io>"))
                .isEqualTo("a <b> && x.io/a a@b.c https://y.io");
        assertThat(SlackText.unescape("&amp;lt;")).as("an escaped escape stays literal").isEqualTo("&lt;");
    }

    @Test
    void takesTheFirstCodeBlockAndItsLanguageHint() {
        var hinted = SlackText.codeBlock("fix:\n```diff\n--- a/x\n+++ b/x\n```\nthanks ```other```").orElseThrow();
        var sniffedJson = SlackText.codeBlock("```{\"domain\": \"main\"}```").orElseThrow();
        var sniffedDiff = SlackText.codeBlock("```\ndiff --git a/x b/x\n--- a/x\n+++ b/x\n```").orElseThrow();
        var yaml = SlackText.codeBlock("```domain: main\ntitle: t```").orElseThrow();

        assertThat(hinted).isEqualTo(new SlackText.Snippet("--- a/x\n+++ b/x\n", Format.DIFF));
        assertThat(sniffedJson.format()).isEqualTo(Format.JSON);
        assertThat(sniffedDiff).isEqualTo(new SlackText.Snippet("diff --git a/x b/x\n--- a/x\n+++ b/x\n", Format.DIFF));
        assertThat(yaml.format()).isEqualTo(Format.YAML);
        assertThat(SlackText.codeBlock("no code here, just `inline`")).isEmpty();
    }

    @Test
    void findsTheDomainNamedOutsideCodeBlocksOnly() {
        assertThat(SlackText.domainIn("Domain: ops please\n```domain: main```")).isEqualTo("ops");
        assertThat(SlackText.domainIn("for domain=main")).isEqualTo("main");
        assertThat(SlackText.domainIn("```domain: main```")).isNull();
        assertThat(SlackText.domainIn("the subdomain is fine")).isNull();
    }
}
