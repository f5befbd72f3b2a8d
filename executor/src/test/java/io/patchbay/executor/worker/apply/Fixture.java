package io.patchbay.executor.worker.apply;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A repository with two commits, {@code base} and {@code target}, between which files change in
 * every way {@code git apply} knows: edits at several places, new and deleted files (also the last
 * one of a folder), renames with and without edits, a copy, mode changes, CRLF and mixed line
 * endings, missing final newlines, empty files, a file that becomes a folder and a folder that
 * becomes a file, a text file of a few hundred kilobytes, nested and unicode names, names with
 * spaces, and (optionally) binary files new, changed and deleted.
 */
final class Fixture {

    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
        "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};

    private final Path repo;
    private final boolean binary;
    private final Random random = new Random(20261123L);

    private Fixture(Path repo, boolean binary) {
        this.repo = repo;
        this.binary = binary;
    }

    /** Builds the repository at {@code repo} and tags {@code base} and {@code target}. */
    static void build(Path repo, boolean binary) throws IOException, InterruptedException {
        Files.createDirectories(repo);
        Cli.git(repo, "init", "-q", "-b", "main");
        var f = new Fixture(repo, binary);
        f.writeBase();
        Cli.git(repo, "add", "-A");
        Cli.git(repo, "commit", "-q", "-m", "Base");
        Cli.git(repo, "tag", "base");
        f.change();
        Cli.git(repo, "add", "-A");
        Cli.git(repo, "commit", "-q", "-m", "Change files in every way git knows");
        Cli.git(repo, "tag", "target");
    }

    /** Writes the tree of a commit (without .git) to {@code to}. */
    static void checkout(Path repo, String commit, Path to) throws IOException, InterruptedException {
        Cli.git(repo, "checkout", "-q", commit);
        Trees.copy(repo, to);
        Cli.git(repo, "checkout", "-q", "main");
    }

    private void writeBase() throws IOException {
        text("README.md", lines("readme", 40));
        text("src/main/App.java", lines("code", 200));
        text("docs/with space.txt", lines("spaced", 12));
        text("docs/no-eol.txt", "first\nsecond\nthird");
        text("docs/gain-eol.txt", "x\ny");
        text("docs/lose-eol.txt", "x\ny\n");
        text("windows/crlf.txt", lines("row", 30).replace("\n", "\r\n"));
        text("windows/mixed.txt", mixed(24));
        text("scripts/run.sh", "#!/bin/sh\necho run\n");
        text("scripts/run me.sh", "#!/bin/sh\necho spaced\n");
        text("scripts/tool.sh", "#!/bin/sh\necho tool\nexit 0\n");
        executable("scripts/tool.sh");
        text("old/gone.txt", lines("gone", 5));
        text("lib/remove-me.txt", lines("remove", 5));
        text("lib/keep.txt", lines("keep", 5));
        text("rename/plain.txt", lines("plain", 25));
        text("rename/edited.txt", lines("edited", 30));
        text("rename/as is.txt", lines("as-is", 10));
        text("copy/source.txt", lines("source", 30));
        text("data/large.txt", lines("large lorem ipsum dolor sit amet", 6000));
        text("ünïcødé/naïve ✓.txt", lines("unicode", 15));
        text("empty/was-empty.txt", "");
        text("empty/now-empty.txt", lines("now-empty", 3));
        text("empty/gone-empty.txt", "");
        text("node", "a file that becomes a folder\n");
        text("leaf/only.txt", "a folder that becomes a file\n");
        if (binary) {
            bytes("bin/logo.bin", randomBytes(4096));
            bytes("bin/old.bin", randomBytes(777));
            bytes("bin/big.bin", randomBytes(200_000));
        }
    }

    private void change() throws IOException {
        edit("README.md", l -> {
            l.set(0, "readme 0 EDITED AT THE TOP");
            l.set(20, "readme 20 EDITED IN THE MIDDLE");
            l.add("readme appended at the end");
        });
        edit("src/main/App.java", l -> {
            l.set(3, "code 3 changed");
            l.remove(50);
            l.remove(50);
            l.add(100, "code inserted at 100");
            l.add(101, "code inserted at 101");
            l.set(150, "code 150 changed");
            l.set(198, "code 198 changed");
        });
        edit("docs/with space.txt", l -> l.set(6, "spaced 6 edited"));
        text("docs/no-eol.txt", "first\nSECOND\nthird");
        text("docs/gain-eol.txt", "x\ny\nz\n");
        text("docs/lose-eol.txt", "x\ny");
        String crlf = read("windows/crlf.txt").replace("row 5 ", "row 5 changed ")
                .replace("row 20 ", "row 20 changed ") + "row appended\r\n";
        text("windows/crlf.txt", crlf);
        text("windows/mixed.txt", read("windows/mixed.txt").replace("mixed 7", "mixed 7 changed")
                .replace("mixed 16", "mixed 16 changed"));
        executable("scripts/run.sh");
        executable("scripts/run me.sh");
        text("scripts/tool.sh", "#!/bin/sh\necho tool, changed\nexit 0\n");
        Files.setPosixFilePermissions(repo.resolve("scripts/tool.sh"), PosixFilePermissions.fromString("rw-r--r--"));
        text("scripts/new-exec.sh", "#!/bin/sh\necho new\n");
        executable("scripts/new-exec.sh");
        Files.delete(repo.resolve("old/gone.txt"));
        Files.delete(repo.resolve("old"));
        Files.delete(repo.resolve("lib/remove-me.txt"));
        move("rename/plain.txt", "moved/deeper/plain.txt");
        move("rename/edited.txt", "rename/edited-v2.txt");
        edit("rename/edited-v2.txt", l -> {
            l.set(10, "edited 10 after the rename");
            l.add("edited appended after the rename");
        });
        move("rename/as is.txt", "rename/renamed with space.txt");
        text("copy/dest.txt", read("copy/source.txt").replace("source 12 ", "source 12 in the copy "));
        edit("data/large.txt", l -> {
            l.set(10, "large 10 changed");
            l.set(1500, "large 1500 changed");
            for (int i = 0; i < 5; i++) {
                l.add(3000, "large inserted " + i);
            }
            l.remove(4500);
            l.set(5990, "large 5990 changed");
        });
        edit("ünïcødé/naïve ✓.txt", l -> l.set(7, "unicode 7 ✓ changed"));
        text("ünïcødé/new ☃.txt", "snow ☃\n");
        text("deep/a/b/c/d/new.txt", lines("deep", 4));
        text("empty/was-empty.txt", "now it has content\n");
        text("empty/now-empty.txt", "");
        Files.delete(repo.resolve("empty/gone-empty.txt"));
        text("empty/new-empty.txt", "");
        Files.delete(repo.resolve("node"));
        text("node/child.txt", "the file became a folder\n");
        Files.delete(repo.resolve("leaf/only.txt"));
        Files.delete(repo.resolve("leaf"));
        text("leaf", "the folder became a file\n");
        if (binary) {
            byte[] logo = Files.readAllBytes(repo.resolve("bin/logo.bin"));
            for (int i = 2000; i < 2020; i++) {
                logo[i] = (byte) ~logo[i];
            }
            bytes("bin/logo.bin", logo);
            Files.delete(repo.resolve("bin/old.bin"));
            bytes("bin/new.bin", randomBytes(1024));
            byte[] big = Files.readAllBytes(repo.resolve("bin/big.bin"));
            big[100] = 1;
            big[150_000] = 2;
            byte[] longer = new byte[big.length + 100];
            System.arraycopy(big, 0, longer, 0, big.length);
            bytes("bin/big.bin", longer);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private String lines(String prefix, int n) {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(prefix).append(' ').append(i).append(' ').append(WORDS[random.nextInt(WORDS.length)])
                    .append(' ').append(WORDS[random.nextInt(WORDS.length)]).append('\n');
        }
        return sb.toString();
    }

    private String mixed(int n) {
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("mixed ").append(i).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        return sb.toString();
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        b[0] = 0;
        return b;
    }

    private interface Edit {
        void apply(List<String> lines);
    }

    private void edit(String path, Edit e) throws IOException {
        List<String> l = new ArrayList<>(List.of(read(path).split("\n", -1)));
        l.remove(l.size() - 1);
        e.apply(l);
        text(path, String.join("\n", l) + "\n");
    }

    private String read(String path) throws IOException {
        return Files.readString(repo.resolve(path), StandardCharsets.UTF_8);
    }

    private void text(String path, String content) throws IOException {
        bytes(path, content.getBytes(StandardCharsets.UTF_8));
    }

    private void bytes(String path, byte[] content) throws IOException {
        Path p = repo.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    private void executable(String path) throws IOException {
        Files.setPosixFilePermissions(repo.resolve(path), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private void move(String from, String to) throws IOException {
        Files.createDirectories(repo.resolve(to).getParent());
        Files.move(repo.resolve(from), repo.resolve(to));
    }
}
