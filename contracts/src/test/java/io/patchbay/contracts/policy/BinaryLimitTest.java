package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.diff.BinarySizeException;
import io.patchbay.contracts.diff.DiffReader;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.topic.RecordLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The verdict bounds the binary files of a diff by the domain's {@code limits.patchBytes}. */
class BinaryLimitTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final long PATCH_BYTES = 20_000;
    private static final long BOUND = BinaryLimit.FACTOR * PATCH_BYTES;
    private static final ExecutionContract CONTRACT = ContractLoader.parse(("""
            version: "b1"
            domains:
              main:
                workspace: var/workspaces/main
                submitters: {tokens: [ci]}
                limits: {patchBytes: %d}
              roomy:
                workspace: var/workspaces/roomy
                submitters: {tokens: [ci]}
                limits: {patchBytes: 9000000}
            """).formatted(PATCH_BYTES).getBytes(StandardCharsets.UTF_8), "test", new RecordLimits(64 * 1024 * 1024));

    /**
     * A real {@code GIT binary patch} creating {@code size} zero bytes: deflated, cut into lines of 52
     * bytes, each encoded with JGit's base85 (git's alphabet) behind its length character.
     */
    static String literalOfZeros(String path, long size, long announced) {
        var deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(new byte[(int) size]);
        deflater.finish();
        var deflated = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!deflater.finished()) {
            deflated.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        byte[] data = deflated.toByteArray();
        var out = new StringBuilder("diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n"
                + "index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111\n"
                + "GIT binary patch\nliteral " + announced + "\n");
        for (int at = 0; at < data.length; at += 52) {
            int n = Math.min(52, data.length - at);
            out.append(n <= 26 ? (char) ('A' + n - 1) : (char) ('a' + n - 27));
            out.append(new String(org.eclipse.jgit.util.Base85.encode(data, at, n), StandardCharsets.US_ASCII));
            out.append('\n');
        }
        return out.append("\nliteral 0\nHcmV?d00001\n\n").toString();
    }

    private static Verdict judge(String domain, String diff) {
        return Verdicts.judge(new Patch(null, domain, "t", null, null, diff, null, null, null, null),
                Submitter.http("ci"), CONTRACT, NOW);
    }

    @Test
    void theBoundIsTheFactorTimesPatchBytesCappedAtTheReadersCeiling() {
        assertThat(BinaryLimit.of(CONTRACT.domain("main").orElseThrow())).isEqualTo(160_000);
        assertThat(BinaryLimit.of(CONTRACT.domain("roomy").orElseThrow()))
                .isEqualTo(DiffReader.DEFAULT_MAX_BINARY_BYTES);
    }

    @Test
    void aBinaryFileAtTheBoundIsAccepted() throws Exception {
        String diff = literalOfZeros("img/blank.bin", BOUND, BOUND);
        // The diff is real: the reader inflates it to the size it announces.
        assertThat(DiffReader.read(diff.getBytes(StandardCharsets.US_ASCII), BOUND).files().get(0).binaryData().data())
                .hasSize((int) BOUND);

        Verdict v = judge("main", diff);

        assertThat(v.violations()).isEmpty();
        assertThat(v.allowed()).isTrue();
    }

    @Test
    void aBinaryFileOneByteOverTheBoundIsRefusedNamingTheSizeAndTheLimit() {
        String diff = literalOfZeros("img/blank.bin", BOUND + 1, BOUND + 1);
        // Under the reader's own ceiling, so only the domain's bound refuses it.
        assertThat(BOUND + 1).isLessThan(DiffReader.DEFAULT_MAX_BINARY_BYTES);

        Verdict v = judge("main", diff);

        assertThat(v.allowed()).isFalse();
        assertThat(v.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.code()).isEqualTo(BinaryLimit.CODE);
            assertThat(violation.subject()).isEqualTo("img/blank.bin");
            assertThat(violation.message()).contains("announces 160001 bytes").contains("at most 160000 bytes")
                    .contains("limits.patchBytes of 20000");
        });
        // The same patch in a domain whose bound is larger passes: the bound is the domain's.
        assertThat(judge("roomy", diff.replace("img/blank.bin", "img/blank2.bin")).violations()).isEmpty();
    }

    @Test
    void aLiteralOfTwoGigabytesIsRefusedByTheBoundAloneAndNothingIsAllocated() {
        String diff = """
                diff --git a/blob.bin b/blob.bin
                new file mode 100644
                index 0000000000000000000000000000000000000000..1111111111111111111111111111111111111111
                GIT binary patch
                literal 2147483647
                zcmV+b0RR6000031

                """;

        Verdict v = judge("main", diff);

        assertThat(v.violations()).extracting(Violation::code).containsExactly(BinaryLimit.CODE);
        assertThat(v.violations().get(0).message()).contains("announces 2147483647 bytes").contains("at most 160000");
    }

    @Test
    void theReaderSaysWhichSizeWasTooLargeWhateverTheStripLevel() {
        String noPrefix = literalOfZeros("blank.bin", 100, 100).replace("a/blank.bin", "blank.bin")
                .replace("b/blank.bin", "blank.bin");
        try {
            DiffReader.read(noPrefix.getBytes(StandardCharsets.US_ASCII), 99);
            throw new AssertionError("a binary of 100 bytes passed a bound of 99");
        } catch (BinarySizeException e) {
            assertThat(e.announced()).isEqualTo(100);
            assertThat(e.limit()).isEqualTo(99);
            assertThat(e.line()).isEqualTo(5);
        } catch (Exception e) {
            throw new AssertionError("expected a BinarySizeException, got " + e, e);
        }
    }
}
