package io.patchbay.contracts.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Our base85 decoder against JGit's, git's own alphabet in Java: what JGit encodes we decode to the
 * same bytes, and anything malformed is refused with {@link IllegalArgumentException} (which the
 * diff reader turns into a {@link DiffException}), never another exception.
 */
class Base85AgreesWithJGitTest {

    @Property(tries = 2000)
    void decodesWhatJGitEncodes(@ForAll @Size(max = 2000) byte[] data) {
        byte[] encoded = org.eclipse.jgit.util.Base85.encode(data);

        assertThat(Base85.decode(encoded, 0, encoded.length, data.length)).isEqualTo(data);
    }

    @Property(tries = 500)
    void decodesAnEncodingInsideALargerBufferAtItsOffset(@ForAll @Size(max = 300) byte[] data,
            @ForAll @IntRange(max = 40) int offset) {
        byte[] encoded = org.eclipse.jgit.util.Base85.encode(data);
        byte[] buffer = new byte[offset + encoded.length + 7];
        java.util.Arrays.fill(buffer, (byte) '\n');
        System.arraycopy(encoded, 0, buffer, offset, encoded.length);

        assertThat(Base85.decode(buffer, offset, encoded.length, data.length)).isEqualTo(data);
    }

    @Provide
    Arbitrary<byte[]> base85Like() {
        // Mostly alphabet characters, so that many inputs get past the first group; some bytes outside it.
        String chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
        Arbitrary<Byte> alphabet = Arbitraries.integers().between(0, chars.length() - 1)
                .map(i -> (byte) chars.charAt(i));
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(20, alphabet), net.jqwik.api.Tuple.of(1, any))
                .array(byte[].class).ofMaxSize(60);
    }

    @Property(tries = 3000)
    void malformedInputIsRefusedWithTheTypedExceptionOnlyAndAgreesWithJGitWhenBothRead(
            @ForAll("base85Like") byte[] input, @ForAll @IntRange(max = 60) int n) {
        byte[] ours;
        try {
            ours = Base85.decode(input, 0, input.length, n);
        } catch (IllegalArgumentException refused) {
            ours = null;
        }
        byte[] jgit;
        try {
            jgit = org.eclipse.jgit.util.Base85.decode(input, n);
        } catch (IllegalArgumentException refused) {
            jgit = null;
        }
        if (jgit != null) {
            // What git's alphabet reads, we read to the same bytes; we may refuse more (padding
            // beyond n, which the diff reader checks per line anyway), never less.
            assertThat(ours).isEqualTo(jgit);
        }
    }

    @Test
    void refusesACharacterOutsideTheAlphabetAGroupOver32BitsAndTooFewCharacters() {
        assertThatThrownBy(() -> Base85.decode(bytes("0000\""), 0, 5, 4))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a base85 character");
        assertThatThrownBy(() -> Base85.decode(bytes("0000\u00e9".substring(0, 5)), 0, 5, 4))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        // "|NsC1" is 2^32, one more than four bytes hold; "|NsC0" is 2^32 - 1.
        assertThatThrownBy(() -> Base85.decode(bytes("|NsC1"), 0, 5, 4))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows");
        assertThat(Base85.decode(bytes("|NsC0"), 0, 5, 4)).containsExactly(0xff, 0xff, 0xff, 0xff);
        assertThatThrownBy(() -> Base85.decode(bytes("00000"), 0, 5, 5))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Base85.decode(bytes("0000"), 0, 4, 1))
                .isExactlyInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 1000)
    void aBinaryPatchWithMalformedBase85IsADiffExceptionOnly(@ForAll("base85Like") byte[] line) {
        byte[] head = ("diff --git a/blob.bin b/blob.bin\nnew file mode 100644\nindex 0000000..1111111\n"
                + "GIT binary patch\nliteral 12\n").getBytes(StandardCharsets.US_ASCII);
        byte[] diff = new byte[head.length + line.length + 3];
        System.arraycopy(head, 0, diff, 0, head.length);
        System.arraycopy(line, 0, diff, head.length, line.length);
        diff[diff.length - 3] = '\n';
        diff[diff.length - 2] = '\n';
        diff[diff.length - 1] = '\n';

        Throwable thrown = catchThrowable(() -> DiffReader.read(diff));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(DiffException.class);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
