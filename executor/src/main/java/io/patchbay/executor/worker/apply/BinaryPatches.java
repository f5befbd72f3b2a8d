package io.patchbay.executor.worker.apply;

import io.patchbay.contracts.diff.FilePatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.eclipse.jgit.util.io.BinaryDeltaInputStream;

/**
 * Applies git's binary patches as {@code git apply} does: only with full object ids on the
 * {@code index} line, only to the exact content the patch was made for, and only when the result
 * hashes to the id the patch promises.
 */
final class BinaryPatches {

    private BinaryPatches() {}

    static byte[] apply(FilePatch p, String name, byte[] old, boolean hasOld) throws ApplyException {
        if (p.binaryData() == null) {
            throw new ApplyException("the diff of " + name + " says the binary file differs but carries no data;"
                    + " make it with git diff --binary");
        }
        String oldId = p.oldId().toLowerCase(Locale.ROOT);
        String newId = p.newId().toLowerCase(Locale.ROOT);
        if (!isFullId(oldId) || oldId.length() != newId.length() || !isFullId(newId)) {
            throw new ApplyException("cannot apply the binary patch of " + name
                    + ": its index line lacks full object ids; make it with git diff --binary");
        }
        if (hasOld) {
            String actual = blobId(old, oldId.length());
            if (!actual.equals(oldId)) {
                throw new ApplyException("the binary patch of " + name + " was made for content " + oldId
                        + " but the file in the working tree is " + actual);
            }
        } else if (old.length > 0) {
            throw new ApplyException("the binary patch of " + name + " expects an empty file");
        }
        if (newId.chars().allMatch(c -> c == '0')) {
            return new byte[0];
        }
        byte[] result = p.binaryData().delta() ? delta(old, p.binaryData().data(), name) : p.binaryData().data();
        String made = blobId(result, newId.length());
        if (!made.equals(newId)) {
            throw new ApplyException("the binary patch of " + name + " makes content " + made + " instead of "
                    + newId + " as it promises");
        }
        return result;
    }

    private static byte[] delta(byte[] base, byte[] delta, String name) throws ApplyException {
        try (var in = new BinaryDeltaInputStream(base, new ByteArrayInputStream(delta))) {
            long expected = in.getExpectedResultSize();
            byte[] out = in.readAllBytes();
            if (out.length != expected || !in.isFullyConsumed()) {
                throw new ApplyException("the binary delta of " + name + " is incomplete");
            }
            return out;
        } catch (IOException e) {
            throw new ApplyException("the binary delta of " + name + " does not apply: " + e.getMessage());
        }
    }

    private static boolean isFullId(String id) {
        return (id.length() == 40 || id.length() == 64) && id.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The git blob id of some content, SHA-1 or SHA-256 by the length of the ids in the patch. */
    static String blobId(byte[] content, int hexLength) {
        try {
            MessageDigest md = MessageDigest.getInstance(hexLength == 64 ? "SHA-256" : "SHA-1");
            md.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
            md.update(content);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks a standard digest", e);
        }
    }
}
