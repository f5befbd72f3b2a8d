package io.patchbay.app;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local submit token: made at random on first start and kept under {@code var/}, never in the
 * repository. Only its hash is handed to the inbox.
 */
final class SubmitToken {

    private SubmitToken() {}

    static String loadOrCreate(Path file) throws IOException {
        return StateFile.readOrCreate(file, () -> {
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            return "pb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        }, true);
    }
}
