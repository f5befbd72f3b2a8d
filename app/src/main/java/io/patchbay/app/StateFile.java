package io.patchbay.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/** A one-line value kept under {@code var/}: made once, then read back on every start. */
final class StateFile {

    private StateFile() {}

    /**
     * The value in {@code file}, or a new one from {@code make} written there atomically (readable
     * by the owner only when {@code secret}).
     */
    static String readOrCreate(Path file, Supplier<String> make, boolean secret) throws IOException {
        if (Files.exists(file)) {
            String value = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!value.isEmpty()) {
                return value;
            }
        }
        Files.createDirectories(file.getParent());
        String value = make.get();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, value + "\n", StandardCharsets.UTF_8);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system; the file keeps the default permissions.
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return value;
    }
}
