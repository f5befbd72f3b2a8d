package io.patchbay.executor.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file of a working tree outside .git, with its content: what "rolled back exactly" is checked against. */
final class TreeSnapshot {

    private TreeSnapshot() {}

    static Map<String, String> of(Path tree) throws IOException {
        var out = new TreeMap<String, String>();
        try (Stream<Path> files = Files.walk(tree)) {
            for (Path p : files.filter(p -> !tree.relativize(p).startsWith(".git")).toList()) {
                String rel = tree.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    out.put(rel, Files.readString(p));
                } else if (!rel.isEmpty()) {
                    out.put(rel + "/", "");
                }
            }
        }
        return out;
    }
}
