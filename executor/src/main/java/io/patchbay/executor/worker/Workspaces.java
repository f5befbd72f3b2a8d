package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.PersonIdent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The domains' working trees: where each one is, and creating them on first start. */
public final class Workspaces {

    private static final Logger log = LoggerFactory.getLogger(Workspaces.class);

    static final PersonIdent PATCHBAY = new PersonIdent("patchbay", "patchbay@localhost");

    private Workspaces() {}

    /** Opens a working tree for patchbay's own git work, which runs no hook of the tree ({@link HooklessFs}). */
    public static Git open(Path tree) throws IOException {
        return Git.open(tree.toFile(), HooklessFs.INSTANCE);
    }

    /** The working tree of a domain: the contract's {@code workspace}, relative to {@code home}. */
    public static Path pathOf(ExecutionContract contract, Path home, String domain) {
        DomainPolicy policy = contract.domain(domain)
                .orElseThrow(() -> new NoSuchElementException("the contract has no domain '" + domain + "'"));
        return home.resolve(policy.workspace()).normalize();
    }

    /**
     * Makes sure every domain of the contract has a git working tree with at least one commit.
     * A missing one is created with a README naming the domain; a folder that holds files but no
     * repository gets one, with its files as the first commit; an existing repository is left alone.
     *
     * @return each domain's working tree
     */
    public static Map<String, Path> ensure(ExecutionContract contract, Path home) {
        var out = new LinkedHashMap<String, Path>();
        for (Map.Entry<String, DomainPolicy> e : contract.domains().entrySet()) {
            String domain = e.getKey();
            Path dir = pathOf(contract, home, domain);
            try {
                if (e.getValue().remote() == null || Files.exists(dir.resolve(Constants.DOT_GIT))
                        || cloneOne(domain, e.getValue(), home, dir)) {
                    ensureOne(domain, e.getValue(), dir);
                }
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot prepare the workspace of domain " + domain + " at " + dir, ex);
            } catch (GitAPIException ex) {
                throw new IllegalStateException("cannot prepare the workspace of domain " + domain + " at " + dir, ex);
            }
            out.put(domain, dir);
        }
        return out;
    }

    /**
     * A domain on a git remote starts as a clone of its branch (an empty remote gets the first
     * commit, pushed with the first patch). A remote that cannot be reached now is not fatal: the
     * worker clones when the domain's first patch runs, and fails it as an infrastructure fault
     * while the remote stays away.
     */
    private static boolean cloneOne(String domain, DomainPolicy policy, Path home, Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("the workspace of domain " + domain + " is to be a clone of "
                            + policy.remote().displayUrl() + ", but " + dir + " holds files and no repository;"
                            + " move them away");
                }
            }
        }
        RemoteSync sync = new RemoteSync(policy.remote(), home, System::getenv);
        try {
            sync.cloneInto(dir);
            log.info("cloned {} (branch {}) as the workspace of domain {} at {}", policy.remote().displayUrl(),
                    policy.remote().branch(), domain, dir);
            return true;
        } catch (RemoteSync.Unreachable ex) {
            log.warn("cannot clone the workspace of domain {} yet: {}", domain, ex.getMessage());
            // Nothing half-made stays: the worker clones again when the domain's first patch runs.
            deleteTree(dir);
            return false;
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void ensureOne(String domain, DomainPolicy policy, Path dir) throws IOException, GitAPIException {
        if (Files.exists(dir.resolve(Constants.DOT_GIT))) {
            try (Git git = open(dir)) {
                if (git.getRepository().resolve(Constants.HEAD) != null) {
                    log.debug("workspace of domain {} at {} exists", domain, dir);
                    return;
                }
                // A repository without a commit: patches need a HEAD to reset to, so give it one.
                firstCommit(git, domain, policy, dir);
            }
            return;
        }
        Files.createDirectories(dir);
        try (Git git = Git.init().setDirectory(dir.toFile()).setFs(HooklessFs.INSTANCE)
                .setInitialBranch("main").call()) {
            firstCommit(git, domain, policy, dir);
        }
        log.info("created the workspace of domain {} at {}", domain, dir);
    }

    private static void firstCommit(Git git, String domain, DomainPolicy policy, Path dir)
            throws IOException, GitAPIException {
        Path readme = dir.resolve("README.md");
        if (!Files.exists(readme)) {
            String about = policy.description() == null ? "" : policy.description().strip() + "\n\n";
            Files.writeString(readme, "# " + domain + "\n\n" + about
                    + "The working tree of domain `" + domain + "`. patchbay applies accepted patches here,"
                    + " one commit per patch, each carrying a `Patch-Id:` trailer.\n", StandardCharsets.UTF_8);
        }
        git.add().addFilepattern(".").call();
        git.commit().setMessage("Create the workspace of domain " + domain + "\n").setAuthor(PATCHBAY)
                .setCommitter(PATCHBAY).setNoVerify(true).setSign(false).setAllowEmpty(true).call();
    }
}
