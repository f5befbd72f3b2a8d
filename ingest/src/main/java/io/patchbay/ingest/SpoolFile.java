package io.patchbay.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Set;

/**
 * Reads one spool file as only a regular file is read: whoever drops files may swap one for a
 * symbolic link (to a secret elsewhere) or a FIFO (which blocks whoever opens it) between the
 * poll that saw it and the read. The type is checked without following links, the file opened
 * with {@code O_NOFOLLOW}, and checked again after the open to be the same regular file.
 *
 * <p>Java cannot open with {@code O_NONBLOCK} nor stat an open channel, so one window is left: a
 * FIFO put in place of the checked file between the check and the open. The file has already
 * been moved into {@code processing/} then, which only patchbay needs to write.
 */
final class SpoolFile {

    private SpoolFile() {}

    /** What a read gives. */
    sealed interface Read permits Bytes, Refused {}

    record Bytes(byte[] bytes) implements Read {}

    /** @param reason why the file was not read, for the rejection; never its content */
    record Refused(String reason) implements Read {}

    static Read read(Path file, long maxBytes) {
        BasicFileAttributes checked;
        try {
            checked = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return new Refused("the file could not be read: " + e.getMessage());
        }
        if (!checked.isRegularFile()) {
            return new Refused(kind(checked) + "; the spool reads only regular files and never follows a link");
        }
        if (checked.size() > maxBytes) {
            return new Refused("the file is " + checked.size() + " bytes, over the limit of " + maxBytes);
        }
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            BasicFileAttributes opened = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!opened.isRegularFile() || !Objects.equals(checked.fileKey(), opened.fileKey())) {
                return new Refused("the file was replaced while it was being read; drop it again");
            }
            InputStream in = Channels.newInputStream(channel);
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                return new Refused("the file grew over the limit of " + maxBytes + " bytes while it was being read");
            }
            return new Bytes(bytes);
        } catch (IOException e) {
            // O_NOFOLLOW on a link swapped in after the check fails here (ELOOP): refused, not followed.
            return new Refused("the file could not be read as a regular file: " + e.getMessage());
        }
    }

    private static String kind(BasicFileAttributes a) {
        if (a.isSymbolicLink()) {
            return "it is a symbolic link";
        }
        if (a.isDirectory()) {
            return "it is a folder";
        }
        return "it is a FIFO, socket or device, not a file";
    }
}
