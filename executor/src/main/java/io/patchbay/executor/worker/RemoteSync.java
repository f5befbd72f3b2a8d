package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.Remote;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * A domain's tree and its git remote: fetch the branch, fast-forward the tree to it, push a commit
 * (never forced). The secret is read for each talk with the remote and handed only to JGit; what
 * this class says about the remote names it by {@link Remote#displayUrl()}.
 */
final class RemoteSync {

    /** How long one fetch or push may wait on the remote before it counts as unreachable. */
    static final int TIMEOUT_SECONDS = 30;

    /** User information in any url a message quotes: {@code scheme://user:secret@} keeps only {@code scheme://}. */
    private static final java.util.regex.Pattern USER_INFO =
            java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

    private final Remote remote;
    private final Path home;
    private final Function<String, String> env;

    /**
     * @param home where {@code var/secrets} is
     * @param env  reads an environment variable ({@code System::getenv} outside tests)
     */
    RemoteSync(Remote remote, Path home, Function<String, String> env) {
        this.remote = remote;
        this.home = home;
        this.env = env;
    }

    Remote remote() {
        return remote;
    }

    /** The local ref that holds what the last fetch found on the remote branch. */
    String trackingRef() {
        return "refs/remotes/origin/" + remote.branch();
    }

    /** The remote could not be reached, or would not talk: the machine's fault, not the patch's. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** How a push ended. */
    enum Pushed { PUSHED, RACE }

    // ---- clone --------------------------------------------------------------------------------

    /** Clones the remote's branch into {@code dir} (which must not hold a repository yet). */
    void cloneInto(Path dir) throws Unreachable, IOException {
        cloneInto(dir, null);
    }

    /**
     * Clones the remote's branch into {@code dir}, its tree at {@code recorded} when the branch holds
     * that commit (so that a move of the branch past it is seen, and told, as any other push by
     * somebody else), else at the branch's head.
     *
     * @param recorded the commit the log last recorded for the domain, or null
     */
    void cloneInto(Path dir, String recorded) throws Unreachable, IOException {
        Files.createDirectories(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setFs(HooklessFs.INSTANCE)
                .setInitialBranch(remote.branch()).call()) {
            Repository repo = git.getRepository();
            ObjectId head = fetch(repo);
            if (head != null) {
                ObjectId at = recorded == null ? null : TreeVerifier.commit(repo, recorded);
                if (at == null || position(repo, at, head) != Position.BEHIND) {
                    at = head;
                }
                git.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(at.name()).call();
            }
        } catch (GitAPIException e) {
            throw new IOException("cannot clone " + remote.displayUrl() + " into " + dir + ": " + e.getMessage(), e);
        } catch (Unreachable e) {
            // No half-made repository stays behind: the next attempt clones afresh.
            deleteGitDir(dir.resolve(Constants.DOT_GIT));
            throw e;
        }
    }

    private static void deleteGitDir(Path gitDir) throws IOException {
        if (!Files.isDirectory(gitDir)) {
            return;
        }
        try (var files = Files.walk(gitDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    // ---- fetch --------------------------------------------------------------------------------

    /**
     * Fetches the branch into {@link #trackingRef()} and returns its commit, or null when the remote
     * has no such branch yet (the first push makes it).
     */
    ObjectId fetch(Repository repo) throws Unreachable {
        try (Transport tn = open(repo)) {
            Ref advertised;
            try (FetchConnection c = tn.openFetch()) {
                advertised = c.getRef(remote.ref());
            }
            if (advertised == null) {
                return null;
            }
            tn.fetch(NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+" + remote.ref() + ":" + trackingRef())));
            return repo.resolve(trackingRef());
        } catch (IOException e) {
            throw unreachable("fetch from", e);
        }
    }

    /** Where the tree stands against the fetched branch. */
    enum Position { SAME, BEHIND, AHEAD, DIVERGED, NO_BRANCH }

    static Position position(Repository repo, ObjectId head, ObjectId theirs) throws IOException {
        if (theirs == null) {
            return Position.NO_BRANCH;
        }
        if (theirs.equals(head)) {
            return Position.SAME;
        }
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit h = walk.parseCommit(head);
            RevCommit t = walk.parseCommit(theirs);
            if (walk.isMergedInto(h, t)) {
                return Position.BEHIND;
            }
            walk.reset();
            return walk.isMergedInto(walk.parseCommit(theirs), walk.parseCommit(head)) ? Position.AHEAD
                    : Position.DIVERGED;
        }
    }

    /**
     * Whether a HEAD other than the log's commit is still the tree the log knows: it is the commit the
     * last fetch found on the remote, and the log's commit is in its history. That is a fast-forward
     * this worker made before a crash or a failed patch, not somebody's change to the tree.
     */
    boolean fastForwardedFrom(Repository repo, ObjectId head, String expected) throws IOException {
        ObjectId tracking = repo.resolve(trackingRef());
        if (expected == null || tracking == null || !tracking.equals(head)) {
            return false;
        }
        ObjectId exp = ObjectId.fromString(expected);
        try (RevWalk walk = new RevWalk(repo)) {
            return repo.getObjectDatabase().has(exp) && walk.isMergedInto(walk.parseCommit(exp), walk.parseCommit(head));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- push ---------------------------------------------------------------------------------

    /**
     * Pushes the commit to the branch, never forced: a refusal because the branch moved is a
     * {@link Pushed#RACE}; any other refusal is the remote's and comes back as {@link Unreachable}.
     */
    Pushed push(Repository repo, ObjectId commit) throws Unreachable {
        try (Transport tn = open(repo)) {
            RemoteRefUpdate update = new RemoteRefUpdate(repo, commit.name(), remote.ref(), false, null, null);
            PushResult result = tn.push(NullProgressMonitor.INSTANCE, List.of(update));
            RemoteRefUpdate done = result.getRemoteUpdate(remote.ref());
            RemoteRefUpdate.Status status = done == null ? update.getStatus() : done.getStatus();
            return switch (status) {
                case OK, UP_TO_DATE -> {
                    // The tracking ref follows, so that a later check knows the remote has this commit.
                    RefUpdate ru = repo.updateRef(trackingRef());
                    ru.setNewObjectId(commit);
                    ru.setForceUpdate(true);
                    ru.update();
                    yield Pushed.PUSHED;
                }
                case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> Pushed.RACE;
                default -> throw new Unreachable("the remote " + remote.displayUrl() + " refused the push to "
                        + remote.branch() + ": " + status
                        + (done != null && done.getMessage() != null ? " (" + done.getMessage() + ")" : ""), null);
            };
        } catch (IOException e) {
            throw unreachable("push to", e);
        }
    }

    // ---- what conflicts -----------------------------------------------------------------------

    /** The paths among {@code touched} that changed between the two commits: what a patch and a push both changed. */
    static List<String> changedBetween(Repository repo, ObjectId from, ObjectId to, Collection<String> touched)
            throws IOException {
        Set<String> out = new TreeSet<>();
        try (RevWalk walk = new RevWalk(repo); DiffFormatter df = new DiffFormatter(DisabledOutputStream.INSTANCE)) {
            df.setRepository(repo);
            for (DiffEntry e : df.scan(walk.parseCommit(from).getTree(), walk.parseCommit(to).getTree())) {
                for (String p : List.of(e.getOldPath(), e.getNewPath())) {
                    if (!p.equals(DiffEntry.DEV_NULL) && touched.contains(p)) {
                        out.add(p);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    // ---- transport and credentials ------------------------------------------------------------

    private Transport open(Repository repo) throws IOException {
        Transport tn;
        try {
            tn = Transport.open(repo, new URIish(remote.url()));
        } catch (URISyntaxException e) {
            throw new IOException("the remote url " + remote.displayUrl() + " cannot be read: " + e.getReason(), e);
        }
        tn.setTimeout(TIMEOUT_SECONDS);
        if (tn instanceof org.eclipse.jgit.transport.SshTransport) {
            // Over ssh the credentials are a private key, never a password.
            try {
                SshRemotes.configure(tn, remote, home, env);
            } catch (IOException e) {
                tn.close();
                throw e;
            }
        } else {
            tn.setCredentialsProvider(credentials());
        }
        return tn;
    }

    /** The credentials the contract names, read now; none when it names none. */
    private CredentialsProvider credentials() throws IOException {
        Remote.Credentials c = remote.credentials();
        if (c == null) {
            return null;
        }
        String secret = new String(secret(remote, home, env, "credentials"), StandardCharsets.UTF_8).strip();
        int colon = secret.indexOf(':');
        // A bare token goes as the password: git servers that take tokens ignore the user name.
        return colon > 0 ? new UsernamePasswordCredentialsProvider(secret.substring(0, colon), secret.substring(colon + 1))
                : new UsernamePasswordCredentialsProvider("patchbay", secret);
    }

    /**
     * What the remote's credentials name, read now: an environment variable's value, or a file under
     * {@code var/secrets}. {@code what} names it in a refusal ("credentials", "key").
     */
    static byte[] secret(Remote remote, Path home, Function<String, String> env, String what) throws IOException {
        Remote.Credentials c = remote.credentials();
        if (c.env() != null) {
            String value = env.apply(c.env());
            if (value == null || value.isBlank()) {
                throw new IOException("the environment variable " + c.env() + " that holds the " + what + " of "
                        + remote.displayUrl() + " is not set");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        }
        Path file = home.resolve(c.file()).normalize();
        if (!file.startsWith(home.resolve(Remote.SECRETS).normalize())) {
            throw new IOException("the " + what + " file " + c.file() + " is not under var/secrets");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("the " + what + " file " + c.file() + " of " + remote.displayUrl() + " does not exist");
        }
        return Files.readAllBytes(file);
    }

    private Unreachable unreachable(String verb, IOException e) {
        // JGit's messages name the url as given, user information and all: say it without.
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        why = USER_INFO.matcher(why.replace(remote.url(), remote.displayUrl())).replaceAll("$1");
        return new Unreachable("cannot " + verb + " the remote " + remote.displayUrl() + " (branch "
                + remote.branch() + "): " + why, null);
    }
}
