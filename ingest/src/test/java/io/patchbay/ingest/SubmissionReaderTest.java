package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader.Format;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SubmissionReaderTest {

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "1"
            routes: {nodeTargets: {web: main}}
            domains:
              main: {workspace: ws/main, nodePathPrefix: /srv/web}
              ops: {workspace: ws/ops}
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static final String NODE = """
            {"blockId": "b1", "target": "web", "mutations": [{"path": "/srv/web/a.txt", "contents": "x"}]}
            """;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static PatchFormatException refused(String text, Format format, String channelDomain) {
        return catchThrowableOfType(PatchFormatException.class,
                () -> SubmissionReader.read(bytes(text), format, channelDomain, CONTRACT));
    }

    @Test
    void readsANodeRunnerPatchThroughTheContract() {
        var patch = SubmissionReader.read(bytes(NODE), Format.JSON, null, CONTRACT);

        assertThat(patch.domain()).isEqualTo("main");
        assertThat(patch.id()).isEqualTo("b1");
        assertThat(patch.touchedPaths()).containsExactly("a.txt");
    }

    @Test
    void refusesANodeRunnerPatchDroppedInAnotherDomainsSpool() {
        assertThat(refused(NODE, Format.JSON, "ops").problems())
                .containsExactly("/domain: the patch is for domain 'main' but was submitted for domain 'ops'");
    }

    @Test
    void refusesAPatchWithoutADomain() {
        assertThat(refused("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", Format.DIFF, null).problems())
                .singleElement().asString().startsWith("/domain:");
    }
}
