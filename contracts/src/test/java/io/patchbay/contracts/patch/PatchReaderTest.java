package io.patchbay.contracts.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PatchReaderTest {

    private static Patch read(String text, PatchReader.Format f, String domain) {
        return PatchReader.read(text.getBytes(StandardCharsets.UTF_8), f, domain);
    }

    @Test
    void readsJsonEnvelope() {
        Patch p = read("""
                {"domain":"main","title":"Add notes","files":[{"path":"docs/n.md","content":"hi\\n"}],
                 "gates":[{"name":"notes","fileContains":{"path":"docs/n.md","text":"hi"}}]}
                """, PatchReader.Format.JSON, null);
        assertThat(p.domain()).isEqualTo("main");
        assertThat(p.files()).containsExactly(FileChange.write("docs/n.md", "hi\n"));
        assertThat(p.gates().get(0).fileContains().text()).isEqualTo("hi");
        // No risk stated is not "low": the contract's risk rules decide the level.
        assertThat(p.risk()).isNull();
    }

    @Test
    void readsYamlEnvelopeAndTakesDefaultDomain() {
        Patch p = read("""
                title: Fix typo
                risk: medium
                files:
                  - {path: old.txt, delete: true}
                commands: [["echo", "done"]]
                """, PatchReader.Format.YAML, "ops");
        assertThat(p.domain()).isEqualTo("ops");
        assertThat(p.risk()).isEqualTo(Risk.MEDIUM);
        assertThat(p.files().get(0).isDelete()).isTrue();
        assertThat(p.commands()).containsExactly(java.util.List.of("echo", "done"));
    }

    @Test
    void domainInTheEnvelopeWinsOverTheDefault() {
        Patch p = read("{\"domain\":\"main\",\"files\":[{\"path\":\"a\",\"content\":\"b\"}]}", PatchReader.Format.JSON, "ops");
        assertThat(p.domain()).isEqualTo("main");
    }

    @Test
    void badEnvelopeNamesTheFieldByPointer() {
        assertThatThrownBy(() -> read("{\"files\":[{\"path\":\"a\",\"contnet\":\"b\"}]}", PatchReader.Format.JSON, "main"))
                .isInstanceOfSatisfying(PatchFormatException.class, e -> assertThat(e.problems().get(0))
                        .startsWith("/files/0/contnet").contains("not a patch field"));
        assertThatThrownBy(() -> read("{\"risk\":\"extreme\"}", PatchReader.Format.JSON, "main"))
                .isInstanceOfSatisfying(PatchFormatException.class, e -> assertThat(e.problems().get(0)).startsWith("/risk"));
    }

    @Test
    void readsGitFormatPatchWithSubjectAndAuthor() {
        String mbox = """
                From 1234567890abcdef Mon Sep 17 00:00:00 2001
                From: Ada Lovelace <ada@example.com>
                Date: Mon, 23 Nov 2026 10:00:00 +0000
                Subject: [PATCH 1/2] Teach the engine to count

                ---
                 src/engine.txt | 2 +-
                 1 file changed, 1 insertion(+), 1 deletion(-)

                diff --git a/src/engine.txt b/src/engine.txt
                index 1111111..2222222 100644
                --- a/src/engine.txt
                +++ b/src/engine.txt
                @@ -1 +1 @@
                -old
                +new
                --\s
                2.39.5
                """;
        Patch p = read(mbox, PatchReader.Format.DIFF, "main");
        assertThat(p.title()).isEqualTo("Teach the engine to count");
        assertThat(p.author()).isEqualTo("Ada Lovelace <ada@example.com>");
        assertThat(p.touchedPaths()).containsExactly("src/engine.txt");
    }

    @Test
    void readsTraditionalDiffWithTimestampsAndNamesTheTitle() {
        String diff = "--- README.orig\t2026-11-23 10:00:00.000000000 +0000\n+++ README\t2026-11-23 10:01:00.000000000 +0000\n"
                + "@@ -1 +1 @@\n-a\n+b\n";
        Patch p = read(diff, PatchReader.Format.DIFF, "main");
        // As git apply reads it, and so the applier: the shorter name wins over its ".orig" twin.
        assertThat(p.touchedPaths()).containsExactly("README");
        assertThat(p.title()).isEqualTo("Change README");
    }

    @Test
    void refusesEmptyBinaryNonUtf8AndProse() {
        assertThatThrownBy(() -> PatchReader.read(new byte[0], PatchReader.Format.DIFF, "main"))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> PatchReader.read(new byte[] {1, 0, 2}, PatchReader.Format.DIFF, "main"))
                .hasMessageContaining("binary");
        assertThatThrownBy(() -> PatchReader.read(new byte[] {(byte) 0xC3, (byte) 0x28}, PatchReader.Format.JSON, "main"))
                .hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> read("please fix the bug", PatchReader.Format.DIFF, "main"))
                .hasMessageContaining("not a unified diff");
    }

    @Test
    void contentIdIsStableAndIgnoresTheId() {
        Patch a = read("{\"domain\":\"main\",\"files\":[{\"path\":\"a\",\"content\":\"b\"}]}", PatchReader.Format.JSON, null);
        Patch b = read("files:\n  - {content: b, path: a}\ndomain: main\n", PatchReader.Format.YAML, null);
        assertThat(a.withDefaultId().id()).isEqualTo(b.withDefaultId().id()).hasSize(64);
        assertThat(a.withId("x").contentId()).isEqualTo(a.contentId());
        assertThat(a.withId("explicit").withDefaultId().id()).isEqualTo("explicit");
    }

    @Test
    void formatsFromFileNamesAndContentTypes() {
        assertThat(PatchReader.Format.ofFileName("x.PATCH")).isEqualTo(PatchReader.Format.DIFF);
        assertThat(PatchReader.Format.ofFileName("x.yml")).isEqualTo(PatchReader.Format.YAML);
        assertThat(PatchReader.Format.ofFileName("x.exe")).isNull();
        assertThat(PatchReader.Format.ofContentType("application/json; charset=utf-8")).isEqualTo(PatchReader.Format.JSON);
        assertThat(PatchReader.Format.ofContentType("text/x-diff")).isEqualTo(PatchReader.Format.DIFF);
        assertThat(PatchReader.Format.ofContentType("image/png")).isNull();
    }

    @Test
    void refusesAnIdThatCouldForgeATrailer() {
        String forged = "{\"id\":\"x\\n\\nPatch-Id: other\",\"domain\":\"main\","
                + "\"files\":[{\"path\":\"a\",\"content\":\"b\"}]}";
        assertThatThrownBy(() -> read(forged, PatchReader.Format.JSON, null))
                .isInstanceOf(PatchFormatException.class)
                .hasMessageContaining("/id")
                .hasMessageContaining("[A-Za-z0-9._-]{1,128}");
        String tooLong = "{\"id\":\"" + "a".repeat(129) + "\",\"domain\":\"main\","
                + "\"files\":[{\"path\":\"a\",\"content\":\"b\"}]}";
        assertThatThrownBy(() -> read(tooLong, PatchReader.Format.JSON, null)).isInstanceOf(PatchFormatException.class);
        assertThat(read("{\"id\":\"fix-1.2_b\",\"domain\":\"main\",\"files\":[{\"path\":\"a\",\"content\":\"b\"}]}",
                PatchReader.Format.JSON, null).id()).isEqualTo("fix-1.2_b");
        assertThat(PatchReader.isValidId("x\n\nPatch-Id: other")).isFalse();
    }

    @Test
    void keepsABareDiffToALatin1FileAsItsBytes() {
        byte[] diff = new byte[] {'-', '-', '-', ' ', 'a', '/', 'm', '\n', '+', '+', '+', ' ', 'b', '/', 'm', '\n',
            '@', '@', ' ', '-', '1', ' ', '+', '1', ' ', '@', '@', '\n', '-', (byte) 0xE9, '\n', '+', (byte) 0xC9, '\n'};
        Patch p = PatchReader.read(diff, PatchReader.Format.DIFF, "main");
        assertThat(p.diff().bytes()).isEqualTo(diff);
        assertThat(p.touchedPaths()).containsExactly("m");
        String json = io.patchbay.contracts.Json.canonical(p);
        assertThat(json).contains("\"diff\":{\"base64\":");
        Patch back = PatchReader.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), PatchReader.Format.JSON, null);
        assertThat(back.diff()).isEqualTo(p.diff());
        assertThat(back.contentId()).isEqualTo(p.contentId());
    }

    @Test
    void aUtf8DiffIsStillAPlainStringInJson() {
        Patch p = read("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", PatchReader.Format.DIFF, "main");
        assertThat(io.patchbay.contracts.Json.canonical(p)).contains("\"diff\":\"--- a/x\\n");
    }
}
