package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;

/**
 * A patchbay home for sandbox tests: a secret where patchbay keeps it, three domains (sandboxed,
 * sandboxed with network, and {@code sandbox: none}) and a runner with the machine's real bubblewrap.
 */
final class SandboxFixture {

    static final String CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  shell: true
                  allow: [["sh"], ["bash"], ["cat"], ["git"], ["printenv"], ["./tool"], ["true"]]
                limits:
                  commandTimeout: 30s
              open:
                workspace: ws/open
                commands:
                  shell: true
                  network: true
                  allow: [["bash"]]
              loose:
                workspace: ws/loose
                commands:
                  shell: true
                  sandbox: none
                  allow: [["sh"], ["bash"], ["cat"], ["git"], ["printenv"], ["./tool"], ["true"]]
                limits:
                  commandTimeout: 30s
            """;

    /** Whether this machine can make the sandbox; tests that need it skip with this reason where it cannot. */
    private static final SandboxStatus PROBE = Bubblewrap.onSystemPath().probe();
    static final boolean HAS_BWRAP = PROBE.available();
    static final String NO_BWRAP = "bubblewrap cannot make a sandbox here (" + PROBE.reason()
            + "); .ci/run installs it";

    final Path home;
    final ExecutionContract contract;
    final Map<String, Path> trees;
    final String secret = "tok-" + UUID.randomUUID();
    final Path secretFile;

    SandboxFixture(Path home) throws IOException {
        this.home = home.toRealPath();
        this.contract = ContractLoader.parse(CONTRACT.getBytes(StandardCharsets.UTF_8), "test");
        this.trees = Workspaces.ensure(contract, this.home);
        this.secretFile = this.home.resolve("var/secrets/submit-token");
        Files.createDirectories(secretFile.getParent());
        Files.writeString(secretFile, secret);
        for (Path tree : trees.values()) {
            Files.writeString(tree.resolve("notes.txt"), "one\ntwo\nthree\n");
            commit(tree);
        }
    }

    Path tree(String domain) {
        return trees.get(domain);
    }

    PatchRunner runner() {
        return runner(Bubblewrap.onSystemPath());
    }

    PatchRunner runner(Bubblewrap bubblewrap) {
        return new PatchRunner(home, () -> contract, PatchRunner.defaultRubric(), Clock.systemUTC(), "worker-1",
                bubblewrap);
    }

    WorkResult run(PatchRunner runner, String domain, List<List<String>> commands, Gate... gates)
            throws InterruptedException {
        String id = "p-" + UUID.randomUUID();
        Patch p = new Patch(id, domain, "Sandbox " + id, null, null, null, List.of(FileChange.write("w.txt", id)),
                commands, List.of(gates), null);
        return runner.run(new WorkOrder(domain, id, 1, p, Instant.now()), r -> { });
    }

    WorkResult gate(String domain, List<String> argv) throws InterruptedException {
        return run(runner(), domain, null, Gate.command("probe", argv));
    }

    static GateResult onlyGate(WorkResult r) {
        List<GateResult> gates;
        if (r instanceof WorkResult.Succeeded s) {
            gates = s.gates();
        } else if (r instanceof WorkResult.Failed f) {
            gates = f.gates();
        } else {
            throw new AssertionError("not a finished run: " + r);
        }
        if (gates.size() != 1) {
            throw new AssertionError("expected one gate in " + r);
        }
        return gates.get(0);
    }

    /** Adds a file (executable where asked) to a tree as a commit, as a person with access to the tree would. */
    void commitFile(String domain, String name, String content, boolean executable) throws IOException {
        Path tree = tree(domain);
        Path f = tree.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        if (executable) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        commit(tree);
    }

    private static void commit(Path tree) throws IOException {
        try (Git git = Git.open(tree.toFile())) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed\n").setAuthor(Workspaces.PATCHBAY).setCommitter(Workspaces.PATCHBAY)
                    .setSign(false).setNoVerify(true).call();
        } catch (org.eclipse.jgit.api.errors.GitAPIException e) {
            throw new IOException(e);
        }
    }

    /** Every file under home but the tree of {@code domain} and the summaries patchbay writes, with its content. */
    Map<String, String> outside(String domain) throws IOException {
        Path tree = tree(domain);
        Path summaries = home.resolve("var/summaries");
        var out = new TreeMap<String, String>();
        try (Stream<Path> files = Files.walk(home)) {
            for (Path p : files.filter(p -> !p.startsWith(tree) && !p.startsWith(summaries)).toList()) {
                String rel = home.relativize(p).toString();
                out.put(rel, Files.isRegularFile(p) ? Base64Digest.of(p) : "/");
            }
        }
        return out;
    }

    /** A file's content as a digest, so binary git objects compare too. */
    private static final class Base64Digest {
        static String of(Path p) throws IOException {
            try {
                var md = java.security.MessageDigest.getInstance("SHA-256");
                return java.util.Base64.getEncoder().encodeToString(md.digest(Files.readAllBytes(p)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
