package io.patchbay.executor.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bubblewrap sandbox a command of a patch runs in. Inside it the working tree (at its own path,
 * and the current directory) is the only writable place besides a private {@code /tmp}; {@code /usr}
 * and the parts of {@code /etc} that programs need are read-only; nothing else of the machine is
 * there, so patchbay's home (secrets, spool, summaries, other domains' trees) is out of sight. The
 * tree's {@code .git} is read-only, so a command cannot plant hooks or config that patchbay's own git
 * would read. Every namespace is private (no network unless asked), no capability is kept, and the
 * command's processes live in their own PID namespace, which the kernel empties when the command ends.
 *
 * @param executable the {@code bwrap} program; a path where none is makes {@link #probe()} answer unavailable
 */
public record Bubblewrap(Path executable) {

    /** The environment setting that names the {@code bwrap} program: an absolute path or a name on {@link #SYSTEM_PATH}. */
    public static final String ENV = "PATCHBAY_BWRAP";

    private static final String DEFAULT_PROGRAM = "bwrap";

    /** The only places a command's program is looked up, inside the sandbox or not. */
    public static final String SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** What the sentence of every refusal for a missing sandbox tells a person to do. */
    public static final String HOW_TO_INSTALL = "install bubblewrap (apt-get install bubblewrap) and restart patchbay,"
            + " or set commands.sandbox: none in the domain's contract to run commands unconfined knowingly";

    /**
     * The parts of {@code /etc} a sandbox sees: what the dynamic linker, name lookup, TLS, time zones,
     * Java and git read. Not the rest, which holds the machine's credentials and service settings.
     */
    private static final List<String> ETC = List.of("alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d",
            "passwd", "group", "nsswitch.conf", "host.conf", "hosts", "resolv.conf", "gai.conf", "services",
            "protocols", "localtime", "timezone", "ssl", "ca-certificates", "ca-certificates.conf", "pki",
            "crypto-policies", "gitconfig", "maven", "mime.types", "magic", "magic.mime", "os-release",
            "debian_version", "locale.alias", "perl");
    /** Folders of {@code /etc} named by version, such as {@code java-17-openjdk} and {@code python3.11}. */
    private static final List<String> ETC_PREFIXES = List.of("java-", "python3");
    /** The top-level system links or folders next to {@code /usr}: links on a merged-/usr system. */
    private static final List<String> ROOT_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    private static final long PROBE_SECONDS = 10;

    public Bubblewrap {
        Objects.requireNonNull(executable, "executable");
    }

    /** {@code bwrap} as found on {@link #SYSTEM_PATH}, or its usual place when it is not installed. */
    public static Bubblewrap onSystemPath() {
        return named(DEFAULT_PROGRAM);
    }

    /**
     * The program that {@value #ENV} names, else {@code bwrap} on {@link #SYSTEM_PATH}. Read once at
     * start, so the probe and every launch use the same program. An absolute path is taken as it is (a
     * path where nothing runs makes the probe answer unavailable, with that path in its reason); a bare
     * name is looked up on {@link #SYSTEM_PATH}, never on the service's own PATH.
     *
     * @throws IllegalArgumentException for a relative path, which would depend on the current folder
     */
    public static Bubblewrap fromEnv(Map<String, String> env) {
        String v = env.get(ENV);
        if (v == null || v.isBlank()) {
            return onSystemPath();
        }
        String program = v.strip();
        if (!program.contains("/")) {
            return named(program);
        }
        Path p = Path.of(program);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException(ENV + " must be an absolute path or a program name on " + SYSTEM_PATH
                    + ", not '" + program + "'");
        }
        return new Bubblewrap(p.normalize());
    }

    /** {@code name} as found on {@link #SYSTEM_PATH}, or where it would be in {@code /usr/bin}. */
    private static Bubblewrap named(String name) {
        for (String dir : SYSTEM_PATH.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return new Bubblewrap(p);
            }
        }
        return new Bubblewrap(Path.of("/usr/bin", name));
    }

    /**
     * Whether a sandbox can be made here: runs {@code true} in one, on an empty scratch tree, with
     * exactly the options a command gets. A machine may have {@code bwrap} and still refuse it the
     * namespaces it needs (a container without user namespaces), so only a real run tells.
     */
    public SandboxStatus probe() {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            return SandboxStatus.unavailable("there is no bubblewrap program at " + executable);
        }
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("patchbay-sandbox-probe");
            List<String> argv = command(scratch, List.of(), false, List.of("true"));
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(4096);
            }
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return SandboxStatus.unavailable(executable + " did not finish a trial run within " + PROBE_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                return SandboxStatus.unavailable(executable + " cannot make a sandbox here (exit " + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
            return SandboxStatus.AVAILABLE;
        } catch (IOException e) {
            return SandboxStatus.unavailable("cannot run " + executable + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SandboxStatus.unavailable("the trial run of " + executable + " was interrupted");
        } finally {
            deleteQuietly(scratch);
        }
    }

    /**
     * The command line that runs {@code argv} in a sandbox around {@code tree}. The environment is the
     * caller's to give (bubblewrap passes its own on), and it decides where argv[0] is looked up:
     * its {@code PATH} should be {@link #SYSTEM_PATH}.
     *
     * @param hidden  folders that must not be seen even where they lie under a system folder the sandbox
     *                shows (patchbay's home); the tree is shown again on top
     * @param network whether the sandbox shares the machine's network
     */
    public List<String> command(Path tree, List<Path> hidden, boolean network, List<String> argv) throws IOException {
        Path root = tree.toRealPath();
        var cmd = new ArrayList<String>();
        cmd.add(executable.toString());
        cmd.add("--unshare-all");
        if (network) {
            cmd.add("--share-net");
        }
        cmd.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        List<Path> shown = new ArrayList<>();
        cmd.addAll(List.of("--ro-bind", "/usr", "/usr"));
        shown.add(Path.of("/usr"));
        for (String name : ROOT_LINKS) {
            Path p = Path.of("/", name);
            if (Files.isSymbolicLink(p)) {
                cmd.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), p.toString()));
            } else if (Files.isDirectory(p)) {
                cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
                shown.add(p);
            }
        }
        for (Path p : etcShown()) {
            cmd.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            shown.add(p);
        }
        cmd.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"));
        for (Path h : hidden) {
            Path abs = h.toAbsolutePath().normalize();
            if (shown.stream().anyMatch(abs::startsWith)) {
                cmd.addAll(List.of("--tmpfs", abs.toString()));
            }
        }
        cmd.addAll(List.of("--bind", root.toString(), root.toString()));
        Path git = root.resolve(".git");
        if (Files.exists(git, LinkOption.NOFOLLOW_LINKS)) {
            cmd.addAll(List.of("--ro-bind", git.toString(), git.toString()));
        }
        cmd.addAll(List.of("--chdir", root.toString(), "--"));
        cmd.addAll(argv);
        return cmd;
    }

    private static List<Path> etcShown() throws IOException {
        Path etc = Path.of("/etc");
        var out = new ArrayList<Path>();
        for (String name : ETC) {
            Path p = etc.resolve(name);
            if (Files.exists(p)) {
                out.add(p);
            }
        }
        if (Files.isDirectory(etc)) {
            try (DirectoryStream<Path> all = Files.newDirectoryStream(etc)) {
                for (Path p : all) {
                    String name = p.getFileName().toString();
                    if (ETC_PREFIXES.stream().anyMatch(name::startsWith) && Files.isDirectory(p)) {
                        out.add(p);
                    }
                }
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A scratch folder left in the system's temp folder is harmless.
        }
    }
}
