package io.patchbay.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local submit token: made at random on first start and kept under {@code var/}, never in the
 * repository. Only its hash is handed to the inbox.
 */
final class SubmitToken {

    private SubmitToken() {}

    static String loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!token.isEmpty()) {
                return token;
            }
        }
        Files.createDirectories(file.getParent());
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = "pb_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system; the file keeps the default permissions.
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return token;
    }
}
