package io.patchbay.contracts.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/** Path globs as the contract and the rubric write them: {@code **} for any depth, relative to the tree. */
public final class Globs {

    private Globs() {}

    /** Whether a relative path ({@code a/b.txt}) matches one of the globs. */
    public static boolean matchesAny(String path, List<String> globs) {
        Path p = Path.of(path);
        for (String glob : globs) {
            if (glob.equals("**")) {
                return true;
            }
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            // "**/x" should also match "x" at the top of the tree.
            if (m.matches(p) || (glob.startsWith("**/") && FileSystems.getDefault()
                    .getPathMatcher("glob:" + glob.substring(3)).matches(p))) {
                return true;
            }
        }
        return false;
    }
}
