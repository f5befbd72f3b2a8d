package io.patchbay.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small append-only file of JSON lines under {@code var/}, for ingest's own bookkeeping (Slack
 * deliveries and threads, idempotency keys). Every append is forced to disk before it returns, so
 * what a caller was told is remembered survives a crash. A line torn by a crash mid-append is
 * skipped on load; {@link #rewrite} compacts the file atomically.
 */
public final class JsonLinesLog<T> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JsonLinesLog.class);

    private final Path file;
    private final Class<T> type;
    private FileChannel channel;
    private int lines;

    public JsonLinesLog(Path file, Class<T> type) {
        this.file = file;
        this.type = type;
    }

    /** Every readable entry, oldest first; opens the file for appending. */
    public synchronized List<T> load() {
        var entries = new ArrayList<T>();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (Files.exists(file)) {
                int n = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        entries.add(Json.mapper().readValue(line, type));
                    } catch (JsonProcessingException e) {
                        log.warn("{} line {} is unreadable and was skipped (a write cut short by a crash?)", file, n);
                    }
                }
            }
            lines = entries.size();
            open();
            endTornLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return entries;
    }

    /** Appends one entry and forces it to disk. */
    public synchronized void append(T entry) {
        try {
            if (channel == null) {
                open();
            }
            ByteBuffer bytes = ByteBuffer.wrap((Json.canonical(entry) + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** Replaces the whole file with {@code entries}: written beside it, then moved over it. */
    public synchronized void rewrite(Collection<T> entries) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            var text = new StringBuilder();
            entries.forEach(e -> text.append(Json.canonical(e)).append('\n'));
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            closeChannel();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lines = entries.size();
            open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    /** Lines in the file, readable or not counted once loaded; used to decide when to compact. */
    public synchronized int lines() {
        return lines;
    }

    public Path file() {
        return file;
    }

    /** A crash mid-append can leave a line without its newline; the next entry must not be glued to it. */
    private void endTornLine() throws IOException {
        long size = channel.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            in.read(last, size - 1);
        }
        if (last.get(0) != '\n') {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
            channel.force(false);
        }
    }

    private void open() throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public synchronized void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            log.warn("cannot close {}: {}", file, e.getMessage());
        }
    }
}
