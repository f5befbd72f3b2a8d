package io.patchbay.executor.worker;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mark a run leaves inside {@code .git/} while it may have changed the working tree: written
 * (and made durable) before the first file is touched, removed once the run committed or rolled
 * back. It tells the two kinds of dirty tree apart. With the mark present, the changes are
 * patchbay's own leftovers from a run that was killed, and the tree is put back to HEAD; without
 * it, they were made by someone else, and they are drift that must never be wiped.
 *
 * <p>Git neither reads nor moves the file, and a person's {@code git status} does not show it.
 */
final class RunMarker {

    private static final Logger log = LoggerFactory.getLogger(RunMarker.class);

    /** The file's name inside the repository's git folder. */
    static final String NAME = "patchbay-run";

    private final Path file;

    RunMarker(Repository repo) {
        this.file = repo.getDirectory().toPath().resolve(NAME);
    }

    boolean present() {
        return Files.exists(file);
    }

    /** What the mark says (the patch, attempt and base of the interrupted run), for the log; empty when unreadable. */
    String describe() {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip().replace('\n', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Marks the tree as being changed by this run. The content goes to a temporary file that is
     * synced and then moved into place, and the folder is synced, so that after a crash at any
     * moment the mark is either wholly there or not there at all, and never missing while a change
     * it covers has reached the disk.
     */
    void write(String patchId, int attempt, String baseCommit) throws IOException {
        String text = "patch " + patchId.replace('\n', ' ') + "\nattempt " + attempt + "\nbase " + baseCommit + "\n";
        Path dir = file.getParent();
        Path tmp = Files.createTempFile(dir, NAME, ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncFolder(dir);
    }

    /** The run is over and the tree is at a commit again. */
    void clear() throws IOException {
        if (Files.deleteIfExists(file)) {
            syncFolder(file.getParent());
        }
    }

    /** As {@link #clear()}, logging instead of throwing: the next run cleans up after a mark left behind. */
    void clearQuietly() {
        try {
            clear();
        } catch (IOException e) {
            log.warn("cannot remove the run mark {}: {}", file, e.getMessage());
        }
    }

    private static void syncFolder(Path dir) {
        // Makes the create, rename or delete itself durable; not every file system lets a folder be opened.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.debug("cannot sync the folder {}: {}", dir, e.getMessage());
        }
    }
}
