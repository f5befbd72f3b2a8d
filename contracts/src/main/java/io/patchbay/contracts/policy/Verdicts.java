package io.patchbay.contracts.policy;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The contract check: a pure function of (patch, submitter, contract, clock). It reads no file and
 * starts no process, so the decider can call it and replay gives the same answer. It returns every
 * violation, not just the first, so a submitter can fix them all at once.
 */
public final class Verdicts {

    /** Programs that interpret a string as a shell script; allowed only where the contract allows a shell. */
    private static final Set<String> SHELLS = Set.of("sh", "bash", "zsh", "dash", "ksh", "fish", "/bin/sh", "/bin/bash",
            "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/env");

    private static final String SHELL_META = ";|&$`<>(){}*?[]~!\n\\\"'";

    /** Linux allows 255 bytes per name and 4096 per path; git and every other platform cope with that. */
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_PATH_BYTES = 4096;
    private static final String WINDOWS_FORBIDDEN = "<>:\"|?*";
    private static final Pattern WINDOWS_RESERVED = Pattern.compile("^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$");

    private Verdicts() {}

    public static Verdict judge(Patch patch, Submitter submitter, ExecutionContract contract, Instant now) {
        var out = new ArrayList<Violation>();
        if (patch.domain() == null || patch.domain().isBlank()) {
            out.add(new Violation("DOMAIN_MISSING", "domain", "The patch names no domain; say which domain it is for."));
            return verdict(out, contract);
        }
        DomainPolicy policy = contract.domain(patch.domain()).orElse(null);
        if (policy == null) {
            out.add(new Violation("DOMAIN_UNKNOWN", patch.domain(), "The contract has no domain '" + patch.domain()
                    + "'; known domains are " + String.join(", ", contract.domains().keySet()) + "."));
            return verdict(out, contract);
        }
        checkSubmitter(patch.domain(), policy, submitter, out);
        // The diff as the worker reads it, binary sizes bounded by the domain, before anything else reads it.
        BinaryLimit.diffViolation(patch, policy).ifPresent(out::add);
        // Read once: every check below judges these same paths.
        List<String> touched = patch.touchedPaths();
        checkSize(patch, touched, policy, out);
        for (String path : touched) {
            checkPath(path, policy, out);
        }
        for (List<String> argv : patch.commands()) {
            checkCommand("commands", argv, policy, out);
        }
        for (Gate gate : patch.gates()) {
            checkGate(gate, policy, out);
        }
        RiskAssessment risk = RiskAssessment.of(patch, policy, touched);
        String label = risk.level().label();
        DomainPolicy.Level level = policy.risk().level(risk.level());
        if (!level.allowed()) {
            out.add(new Violation("RISK_NOT_ALLOWED", label, "Domain '" + patch.domain() + "' takes no " + label
                    + "-risk patches, and this one is " + risk.explain() + "; "
                    + (risk.byRule() ? "split the change." : "split the change or lower its risk.")));
        }
        Optional<Instant> runAt = Holds.mayRunAt(policy, risk.level(), now);
        if (runAt.isEmpty()) {
            out.add(new Violation("WINDOW_NEVER_OPENS", label, "The change windows for "
                    + label + "-risk patches in domain '" + patch.domain() + "' never open."));
        }
        Instant holdUntil = runAt.filter(at -> at.isAfter(now)).orElse(null);
        return new Verdict(out, contract.version(), contract.hash(), level.approvals(), holdUntil, risk.level(),
                risk.rule());
    }

    private static Verdict verdict(List<Violation> out, ExecutionContract contract) {
        return new Verdict(out, contract.version(), contract.hash());
    }

    private static void checkSubmitter(String domain, DomainPolicy policy, Submitter submitter, List<Violation> out) {
        DomainPolicy.Submitters s = policy.submitters();
        boolean allowed = switch (submitter == null ? "" : submitter.channel()) {
            case "http" -> s.tokens().contains("*") || s.tokens().contains(submitter.id());
            case "spool" -> s.spool();
            case "cli" -> s.cli();
            case "slack" -> s.slackUsers().contains(submitter.id())
                    || (submitter.via() != null && s.slackChannels().contains(submitter.via()));
            default -> false;
        };
        if (!allowed) {
            out.add(new Violation("SUBMITTER_NOT_ALLOWED", String.valueOf(submitter),
                    "Submitter " + submitter + " may not submit to domain '" + domain + "'."));
        }
    }

    private static void checkSize(Patch patch, List<String> touched, DomainPolicy policy, List<Violation> out) {
        if (patch.isEmpty()) {
            out.add(new Violation("PATCH_EMPTY", null, "The patch changes nothing: it has no diff, no files and no commands."));
        }
        long bytes = Json.bytes(patch).length;
        if (bytes > policy.limits().patchBytes()) {
            out.add(new Violation("PATCH_TOO_LARGE", null, "The patch is " + bytes + " bytes; the domain allows at most "
                    + policy.limits().patchBytes() + "."));
        }
        int files = touched.size();
        if (files > policy.limits().files()) {
            out.add(new Violation("TOO_MANY_FILES", null, "The patch touches " + files + " files; the domain allows at most "
                    + policy.limits().files() + "."));
        }
    }

    /**
     * What the contract says against one path, for the worker's last check before it writes: the
     * contract may have changed since the verdict.
     */
    public static List<Violation> pathViolations(String path, DomainPolicy policy) {
        var out = new ArrayList<Violation>();
        checkPath(path, policy, out);
        return out;
    }

    /** Checks one path as the patch names it, relative to the working tree. */
    static void checkPath(String path, DomainPolicy policy, List<Violation> out) {
        if (path == null || path.isBlank()) {
            out.add(new Violation("PATH_EMPTY", path, "A file in the patch has no path."));
            return;
        }
        if (path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            out.add(new Violation("PATH_INVALID", path, "The path '" + printable(path) + "' contains control characters."));
            return;
        }
        if (path.contains("\\")) {
            out.add(new Violation("PATH_INVALID", path, "The path '" + path + "' contains a backslash; use '/' between folders."));
            return;
        }
        if (path.startsWith("/") || path.matches("^[A-Za-z]:.*") || path.startsWith("~")) {
            out.add(new Violation("PATH_ABSOLUTE", path, "The path '" + path
                    + "' is absolute; paths are relative to the domain's working tree."));
            return;
        }
        List<String> segments = List.of(path.split("/", -1));
        if (segments.contains("..")) {
            out.add(new Violation("PATH_TRAVERSAL", path, "The path '" + path
                    + "' uses '..' and could reach outside the domain's working tree."));
            return;
        }
        if (segments.stream().anyMatch(s -> s.equalsIgnoreCase(".git"))) {
            out.add(new Violation("PATH_GIT_DIR", path, "The path '" + path + "' writes into .git, which only patchbay changes."));
            return;
        }
        if (segments.stream().anyMatch(s -> s.isEmpty() || s.equals("."))) {
            out.add(new Violation("PATH_INVALID", path, "The path '" + path
                    + "' has an empty or '.' part; write it as folder/file without '//', './' or a trailing '/'."));
            return;
        }
        if (path.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES
                || segments.stream().anyMatch(s -> s.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES)) {
            out.add(new Violation("PATH_TOO_LONG", path, "The path '" + abbreviated(path) + "' is too long: at most "
                    + MAX_NAME_BYTES + " bytes per name and " + MAX_PATH_BYTES + " in all."));
            return;
        }
        if (policy.paths().portable()) {
            for (String s : segments) {
                String why = notPortable(s);
                if (why != null) {
                    out.add(new Violation("PATH_NOT_PORTABLE", path, "The name '" + s + "' in '" + path + "' " + why
                            + "; the domain keeps names every platform can check out."));
                    return;
                }
            }
        }
        String normal = String.join("/", segments);
        if (Globs.matchesAny(normal, policy.paths().deny())) {
            out.add(new Violation("PATH_DENIED", path, "The contract denies changes to '" + path + "'."));
        } else if (!Globs.matchesAny(normal, policy.paths().allow())) {
            out.add(new Violation("PATH_NOT_ALLOWED", path, "'" + path + "' is outside the paths the contract allows ("
                    + String.join(", ", policy.paths().allow()) + ")."));
        }
    }

    /** Why Windows (and so a clone there) cannot hold a file of this name, or null when it can. */
    private static String notPortable(String name) {
        for (char c : name.toCharArray()) {
            if (WINDOWS_FORBIDDEN.indexOf(c) >= 0) {
                return "holds '" + c + "', which Windows does not allow in file names";
            }
        }
        if (name.endsWith(".") || name.endsWith(" ")) {
            return "ends with a dot or a space, which Windows drops";
        }
        int dot = name.indexOf('.');
        String stem = (dot < 0 ? name : name.substring(0, dot)).trim().toUpperCase(Locale.ROOT);
        if (WINDOWS_RESERVED.matcher(stem).matches()) {
            return "is a device name on Windows (" + stem + "), even with an extension";
        }
        return null;
    }

    private static String abbreviated(String path) {
        return path.length() <= 80 ? path : path.substring(0, 40) + "..." + path.substring(path.length() - 30);
    }

    private static void checkGate(Gate gate, DomainPolicy policy, List<Violation> out) {
        String name = gate.name() == null ? "(unnamed)" : gate.name();
        if (gate.isCommand()) {
            checkCommand("gates." + name, gate.run(), policy, out);
        } else if (gate.fileContains() != null) {
            checkPath(gate.fileContains().path(), policy, out);
        } else {
            out.add(new Violation("GATE_INVALID", "gates." + name, "Gate '" + name
                    + "' neither runs a command nor checks a file."));
        }
        if (gate.timeout() != null) {
            try {
                Durations.parse(gate.timeout());
            } catch (IllegalArgumentException e) {
                out.add(new Violation("GATE_INVALID", "gates." + name, "Gate '" + name + "': " + e.getMessage() + "."));
            }
        }
    }

    static void checkCommand(String where, List<String> argv, DomainPolicy policy, List<Violation> out) {
        if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
            out.add(new Violation("COMMAND_EMPTY", where, "A command in " + where + " is empty."));
            return;
        }
        boolean shellAllowed = policy.commands().shell();
        if (!shellAllowed && SHELLS.contains(argv.get(0))) {
            out.add(new Violation("SHELL_NOT_ALLOWED", where, "'" + argv.get(0)
                    + "' runs a shell, and this domain's contract allows no shell."));
            return;
        }
        if (!shellAllowed) {
            for (String arg : argv) {
                if (arg.chars().anyMatch(c -> SHELL_META.indexOf(c) >= 0)) {
                    out.add(new Violation("SHELL_METACHARACTERS", where, "The argument '" + printable(arg)
                            + "' holds shell metacharacters; commands run without a shell, so write each argument plainly."));
                    return;
                }
            }
        }
        boolean listed = policy.commands().allow().stream().anyMatch(prefix -> startsWith(argv, prefix));
        if (argv.get(0).contains("/") && !argv.get(0).startsWith("./")) {
            // A program is looked up on the system PATH; one of the tree runs only as an allowlisted ./name.
            out.add(new Violation("COMMAND_PATH_NOT_ALLOWED", where, "The program '" + printable(argv.get(0))
                    + "' is named by a path; name a system program plainly (such as 'make'), or a program of the"
                    + " working tree as './name' where the contract's allowlist names it so."));
            return;
        }
        if (!listed) {
            out.add(new Violation("COMMAND_NOT_ALLOWED", where, "The command '" + String.join(" ", argv)
                    + "' is not in the domain's command allowlist."));
        }
    }

    private static boolean startsWith(List<String> argv, List<String> prefix) {
        return argv.size() >= prefix.size() && argv.subList(0, prefix.size()).equals(prefix);
    }

    private static String printable(String s) {
        return Stream.of(s.split("")).map(c -> c.charAt(0) < 0x20 ? "\\x" + Integer.toHexString(c.charAt(0)) : c)
                .reduce("", String::concat);
    }
}
