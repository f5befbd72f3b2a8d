package io.patchbay.executor.worker.apply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Snapshots and copies of working trees for byte-by-byte comparison. */
final class Trees {

    private Trees() {}

    /**
     * Every folder and file under {@code root} (outside {@code .git}) with its kind, permissions,
     * size and content hash, keyed by relative path. Equal maps mean equal trees, bytes and
     * executable bits included.
     */
    static Map<String, String> snapshot(Path root) throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> all = Files.walk(root)) {
            all.filter(p -> !p.equals(root))
                    .filter(p -> !root.relativize(p).startsWith(".git"))
                    .forEach(p -> out.put(root.relativize(p).toString().replace('\\', '/'), describe(p)));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    private static String describe(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return "link -> " + Files.readSymbolicLink(p);
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return "folder";
            }
            byte[] content = Files.readAllBytes(p);
            String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
            return "file " + perms + " " + content.length + " bytes sha256:" + sha256(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a tree (without {@code .git}), keeping permissions. */
    static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
