package io.patchbay.executor.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * Whether a working tree is what the log says it is: HEAD at the recorded commit, and nothing
 * uncommitted (changed, deleted or new files; files git ignores do not count). Looks and never
 * touches, so drift found is left in the tree for a person to adopt or reset. Used before every
 * patch and by the idle check alike.
 */
final class TreeVerifier {

    /** At most this many changed files are named in a drift's detail. */
    static final int MAX_NAMED = 20;

    /** At most this many changed files are listed with a drift (the event must stay small). */
    static final int MAX_FILES = 200;

    /**
     * What differs. {@code files} lists the paths (uncommitted ones first, then those changed by
     * commits HEAD moved on by), at most {@link #MAX_FILES}; {@code detail} says it in a sentence.
     */
    record Drift(String expectedCommit, String actualCommit, List<String> files, String detail) {}

    private TreeVerifier() {}

    /**
     * @param expected the commit the log says HEAD is at; null when the log does not know yet, and
     *     then only uncommitted changes count
     * @return the drift, or empty when the tree is as recorded
     */
    static Optional<Drift> check(Git git, String expected) throws IOException, GitAPIException {
        Repository repo = git.getRepository();
        ObjectId head = repo.resolve(Constants.HEAD);
        List<String> problems = new ArrayList<>();
        var files = new TreeSet<String>();
        if (head == null) {
            problems.add("the working tree has no commit");
        } else if (expected != null && !expected.equals(head.name())) {
            problems.add(describeHead(repo, expected, head));
            files.addAll(changedBetween(repo, expected, head));
        }
        Status status = git.status().call();
        String dirty = describeChanges(status);
        var uncommitted = new TreeSet<>(byPath(status).keySet());
        if (dirty != null) {
            problems.add(dirty);
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        var listed = new ArrayList<>(uncommitted);
        files.removeAll(uncommitted);
        listed.addAll(files);
        List<String> bounded = listed.size() > MAX_FILES ? List.copyOf(listed.subList(0, MAX_FILES)) : List.copyOf(listed);
        String detail = String.join("; ", problems);
        if (listed.size() > MAX_FILES) {
            detail += " (" + listed.size() + " files differ; the first " + MAX_FILES + " are listed)";
        }
        return Optional.of(new Drift(expected, head == null ? null : head.name(), bounded, detail));
    }

    /** The commit of that id, or null when the repository does not hold it (history was rewritten, say). */
    static ObjectId commit(Repository repo, String id) throws IOException {
        try {
            return repo.resolve(id + "^{commit}");
        } catch (MissingObjectException | IncorrectObjectTypeException e) {
            return null;
        }
    }

    /** The uncommitted changes, by kind, or null when the tree is clean (ignored files do not count). */
    static String describeChanges(Status status) {
        if (status.isClean()) {
            return null;
        }
        List<String> named = byPath(status).entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList();
        return "uncommitted changes: " + named(named);
    }

    private static Map<String, String> byPath(Status status) {
        Map<String, String> byPath = new TreeMap<>();
        status.getUntracked().forEach(p -> byPath.put(p, "untracked"));
        status.getAdded().forEach(p -> byPath.put(p, "added"));
        status.getModified().forEach(p -> byPath.put(p, "modified"));
        status.getChanged().forEach(p -> byPath.put(p, "modified"));
        status.getMissing().forEach(p -> byPath.put(p, "deleted"));
        status.getRemoved().forEach(p -> byPath.put(p, "deleted"));
        status.getConflicting().forEach(p -> byPath.put(p, "conflicting"));
        return byPath;
    }

    /** How HEAD relates to the recorded commit, for the person deciding between adopt and reset. */
    static String describeHead(Repository repo, String expected, ObjectId head) throws IOException {
        ObjectId recorded = commit(repo, expected);
        String at = "HEAD is at " + head.name();
        if (recorded == null) {
            return at + " and the recorded commit " + expected + " is not in the repository";
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit headCommit = walk.parseCommit(head);
            RevCommit recordedCommit = walk.parseCommit(recorded);
            if (walk.isMergedInto(recordedCommit, headCommit)) {
                List<String> extra = commitsBetween(repo, recordedCommit, headCommit);
                return at + ", " + extra.size() + " commit(s) past the recorded " + expected + ": "
                        + named(extra);
            }
            walk.reset();
            if (walk.isMergedInto(headCommit, recordedCommit)) {
                return at + ", behind the recorded " + expected + " (applied commits were undone)";
            }
        }
        return at + ", which does not contain the recorded " + expected;
    }

    /** The paths whose content differs between the recorded commit and HEAD; empty when the recorded one is gone. */
    private static List<String> changedBetween(Repository repo, String expected, ObjectId head) throws IOException {
        ObjectId recorded = commit(repo, expected);
        if (recorded == null) {
            return List.of();
        }
        var out = new ArrayList<String>();
        try (RevWalk walk = new RevWalk(repo); DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            df.setRepository(repo);
            for (DiffEntry e : df.scan(walk.parseCommit(recorded).getTree(), walk.parseCommit(head).getTree())) {
                out.add(e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath());
                if (out.size() > MAX_FILES) {
                    break;
                }
            }
        }
        return out;
    }

    private static List<String> commitsBetween(Repository repo, RevCommit from, RevCommit to) throws IOException {
        var out = new ArrayList<String>();
        try (RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(to));
            walk.markUninteresting(walk.parseCommit(from));
            for (RevCommit c : walk) {
                out.add(c.abbreviate(10).name() + " \"" + c.getShortMessage() + "\"");
            }
        }
        return out;
    }

    static String named(List<String> items) {
        if (items.size() <= MAX_NAMED) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, MAX_NAMED)) + " and " + (items.size() - MAX_NAMED) + " more";
    }
}
