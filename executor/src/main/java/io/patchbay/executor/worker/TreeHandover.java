package io.patchbay.executor.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A domain taken over by a worker on another instance: its tree here is missing, or behind the
 * commit the log recorded, or another tree altogether. A domain on a remote is brought to the
 * recorded commit from the remote (cloned, or fetched forward), since the remote holds every
 * commit the log recorded; a domain without one cannot be, and is never applied to: the drift says
 * why and what the operator can do.
 */
final class TreeHandover {

    private static final Logger log = LoggerFactory.getLogger(TreeHandover.class);

    private TreeHandover() {}

    /**
     * Brings a clean tree that is behind {@code recorded} (or does not hold it) forward to it, when
     * the remote's branch has it: the tree was left behind by another instance's worker, or is an old
     * clone. Leaves alone a tree with uncommitted changes, one at or past the recorded commit, and
     * one that went another way: those are for the drift check.
     *
     * @return the commit the tree is now at, or null when it was not moved
     * @throws RemoteSync.Unreachable when the tree is behind and the remote cannot be asked
     */
    static ObjectId catchUp(RemoteSync sync, GitWorkspace git, String domain, String recorded)
            throws RemoteSync.Unreachable, IOException, GitAPIException {
        Repository repo = git.repository();
        ObjectId head = git.head();
        if (recorded == null || head == null || head.name().equals(recorded)) {
            return null;
        }
        ObjectId target = TreeVerifier.commit(repo, recorded);
        if (target != null && !isAncestor(repo, head, target)) {
            return null;
        }
        if (git.uncommittedChanges() != null) {
            return null;
        }
        ObjectId theirs = sync.fetch(repo);
        target = TreeVerifier.commit(repo, recorded);
        if (theirs == null || target == null || !isAncestor(repo, head, target) || !isAncestor(repo, target, theirs)) {
            return null;
        }
        log.info("domain {}: the working tree was at {}, behind the recorded {}; brought forward from {}", domain,
                head.name(), recorded, sync.remote().displayUrl());
        git.cleanTo(target);
        return target;
    }

    /**
     * The drift of a tree that does not hold the recorded commit, said for what it is when the domain
     * has no remote: the tree the log knows lives on another instance.
     */
    static TreeVerifier.Drift explain(TreeVerifier.Drift drift, boolean hasRemote, String domain, Path tree,
            Repository repo) throws IOException {
        if (hasRemote || drift.expectedCommit() == null || TreeVerifier.commit(repo, drift.expectedCommit()) != null) {
            return drift;
        }
        return new TreeVerifier.Drift(drift.expectedCommit(), drift.actualCommit(), drift.files(),
                drift.detail() + "; " + elsewhere(domain, tree, drift.expectedCommit()));
    }

    /** Why a domain without a remote whose tree is not on this instance at all cannot be worked on here. */
    static String absent(String domain, Path tree, String recorded) {
        return "the working tree " + tree + " does not exist; " + elsewhere(domain, tree, recorded);
    }

    private static String elsewhere(String domain, Path tree, String recorded) {
        return "domain " + domain + " has no git remote, so its tree lives only where its patches ran"
                + (recorded == null ? "" : " (at " + recorded + ")") + ", not in " + tree + " on this instance:"
                + " run the domain's worker on that one instance, or keep the workspaces on a volume every instance"
                + " mounts (a volume not mounted yet is retried), or give the domain a remote in the execution"
                + " contract; nothing is applied here until the tree is the recorded one";
    }

    private static boolean isAncestor(Repository repo, ObjectId ancestor, ObjectId of) throws IOException {
        if (ancestor.equals(of)) {
            return true;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            return walk.isMergedInto(walk.parseCommit(ancestor), walk.parseCommit(of));
        }
    }
}
