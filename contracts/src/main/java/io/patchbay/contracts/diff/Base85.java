package io.patchbay.contracts.diff;

/**
 * git's base85 alphabet as used by {@code GIT binary patch} lines: five characters carry four bytes,
 * big-endian. Written here so that reading a diff needs no git library.
 */
final class Base85 {

    private static final String ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    private static final byte[] VALUE = new byte[128];

    static {
        java.util.Arrays.fill(VALUE, (byte) -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            VALUE[ALPHABET.charAt(i)] = (byte) i;
        }
    }

    private Base85() {}

    /**
     * Decodes {@code length} characters of {@code in} from {@code offset} into {@code n} bytes.
     *
     * @throws IllegalArgumentException when a character is outside the alphabet, a group overflows
     *         32 bits, or the characters hold fewer than {@code n} bytes
     */
    static byte[] decode(byte[] in, int offset, int length, int n) {
        if (length % 5 != 0 || n < 0 || n > length / 5 * 4) {
            throw new IllegalArgumentException("base85 data of " + length + " characters cannot hold " + n + " bytes");
        }
        byte[] out = new byte[n];
        int o = 0;
        for (int g = offset; g < offset + length && o < n; g += 5) {
            long acc = 0;
            for (int j = 0; j < 5; j++) {
                int c = in[g + j] & 0xff;
                int v = c < 128 ? VALUE[c] : -1;
                if (v < 0) {
                    throw new IllegalArgumentException("'" + (char) c + "' is not a base85 character");
                }
                acc = acc * 85 + v;
            }
            if (acc > 0xffffffffL) {
                throw new IllegalArgumentException("a base85 group overflows 32 bits");
            }
            for (int shift = 24; shift >= 0 && o < n; shift -= 8) {
                out[o++] = (byte) (acc >>> shift);
            }
        }
        return out;
    }
}
