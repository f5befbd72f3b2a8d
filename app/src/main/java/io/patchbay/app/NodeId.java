package io.patchbay.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A stable name for this installation's process, kept under {@code var/}. Its consumers use it as
 * their static group membership, so a restart after a crash resumes at once.
 */
final class NodeId {

    private NodeId() {}

    static String loadOrCreate(Path file) throws IOException {
        return StateFile.readOrCreate(file, () -> UUID.randomUUID().toString().substring(0, 8), false);
    }
}
