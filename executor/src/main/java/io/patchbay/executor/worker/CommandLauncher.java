package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How the commands and command gates of one patch start: inside the {@link Bubblewrap} sandbox, or
 * as plain processes where the domain's contract says {@code sandbox: none}. Either way argv[0] is a
 * program of {@link Bubblewrap#SYSTEM_PATH}, or of the working tree where it is written {@code ./name}
 * (the contract's allowlist decides which), never one the tree slips onto a search path; and {@code HOME}
 * is a scratch folder of the command's own, never the service's home.
 */
final class CommandLauncher {

    /** A command that may not start, with the sentence that says why. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** One start of one command; closing it removes its scratch folder. */
    record Launch(List<String> argv, Map<String, String> env, Path scratch) implements AutoCloseable {
        @Override
        public void close() {
            if (scratch == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(scratch)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // A scratch folder left in the system's temp folder is harmless.
            }
        }
    }

    /** Where HOME and TMPDIR point inside the sandbox: its private tmpfs. */
    private static final String SANDBOX_HOME = "/tmp";

    private final DomainPolicy.Commands commands;
    private final Bubblewrap bubblewrap;
    private final Path home;
    private final Path tree;

    /**
     * @param home patchbay's home, hidden from a sandboxed command even where it lies under a system folder
     */
    CommandLauncher(DomainPolicy.Commands commands, Bubblewrap bubblewrap, Path home, Path tree) {
        this.commands = commands;
        this.bubblewrap = bubblewrap;
        this.home = home;
        this.tree = tree;
    }

    /** Whether commands can start as the contract asks; the sandbox may have gone since start-up. */
    SandboxStatus check() {
        return commands.sandboxed() ? bubblewrap.probe() : SandboxStatus.AVAILABLE;
    }

    /**
     * The sentence every summary of a domain without a sandbox carries; null where commands are sandboxed.
     */
    String caution() {
        return commands.sandboxed() ? null : "**none**: commands and gates ran unconfined, as the service user"
                + " (the contract sets commands.sandbox: none)";
    }

    /** How {@code argv} starts, with {@code env} (the scrubbed environment) completed by HOME and TMPDIR. */
    Launch launch(List<String> argv, Map<String, String> env) throws Refused, IOException {
        String program = argv.get(0);
        if (program.contains("/") && !program.startsWith("./")) {
            throw new Refused("refused to start `" + program + "`: a program is named plainly and found in "
                    + Bubblewrap.SYSTEM_PATH + ", or written ./name for one of the working tree");
        }
        var full = new LinkedHashMap<>(env);
        full.put("PATH", Bubblewrap.SYSTEM_PATH);
        if (commands.sandboxed()) {
            full.put("HOME", SANDBOX_HOME);
            full.put("TMPDIR", SANDBOX_HOME);
            return new Launch(bubblewrap.command(tree, List.of(home), commands.network(), argv), full, null);
        }
        var resolved = new ArrayList<>(argv);
        resolved.set(0, resolve(program).toString());
        Path scratch = Files.createTempDirectory("patchbay-command");
        full.put("HOME", scratch.toString());
        full.put("TMPDIR", scratch.toString());
        return new Launch(List.copyOf(resolved), full, scratch);
    }

    /** The program an unsandboxed argv[0] names: the tree's for ./name, else the first on the system PATH. */
    private Path resolve(String program) throws Refused {
        if (program.startsWith("./")) {
            return tree.toAbsolutePath().resolve(program.substring(2)).normalize();
        }
        for (String dir : Bubblewrap.SYSTEM_PATH.split(":")) {
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new Refused("cannot start `" + program + "`: there is no such program in " + Bubblewrap.SYSTEM_PATH);
    }
}
