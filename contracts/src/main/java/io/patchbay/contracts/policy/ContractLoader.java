package io.patchbay.contracts.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import io.patchbay.contracts.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and checks the execution contract. A contract that cannot be used is refused whole with
 * the file, the line and the reason: start-up stops rather than run under a policy nobody wrote.
 */
public final class ContractLoader {

    /** Where the default contract sits on the class path (and at {@code contracts/sot/} in the repository). */
    public static final String DEFAULT_RESOURCE = "/sot/execution-contract.yml";

    private static final Pattern DOMAIN_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");

    private ContractLoader() {}

    public static ExecutionContract load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new ContractException(file.toString(), 0, "cannot read the contract: " + e.getMessage(), e);
        }
    }

    public static ExecutionContract loadDefault() {
        try (InputStream in = ContractLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default contract " + DEFAULT_RESOURCE + " is missing from the class path");
            }
            return parse(in.readAllBytes(), "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and checks contract YAML; {@code source} names it in errors. */
    public static ExecutionContract parse(byte[] yaml, String source) {
        ExecutionContract raw;
        try {
            raw = Json.yaml().readValue(yaml, ExecutionContract.class);
        } catch (JsonMappingException e) {
            String reason = mappingReason(e);
            int line = lineOf(yaml, reason);
            if (line == 0 && e.getLocation() != null) {
                line = e.getLocation().getLineNr();
            }
            throw new ContractException(source, line, reason, e);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ContractException(source, line, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ContractException(source, 0, e.getMessage(), e);
        }
        if (raw == null) {
            throw new ContractException(source, 0, "the contract is empty", null);
        }
        List<String> problems = check(raw);
        if (!problems.isEmpty()) {
            throw new ContractException(source, lineOf(yaml, problems.get(0)), String.join("; ", problems), null);
        }
        return raw.withHash(Json.sha256Hex(yaml));
    }

    private static String mappingReason(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                .orElse("");
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Unrecognized field")) {
            int end = msg.indexOf(" (");
            msg = (end > 0 ? msg.substring(0, end) : msg) + " is not a contract field";
        }
        return (path.isEmpty() ? "" : path + ": ") + msg;
    }

    private static List<String> check(ExecutionContract c) {
        var problems = new ArrayList<String>();
        if (c.version() == null || c.version().isBlank()) {
            problems.add("version: the contract needs a version");
        }
        if (c.domains().isEmpty()) {
            problems.add("domains: the contract defines no domain");
        }
        for (Map.Entry<String, DomainPolicy> e : c.domains().entrySet()) {
            String d = e.getKey();
            DomainPolicy p = e.getValue();
            if (!DOMAIN_NAME.matcher(d).matches()) {
                problems.add("domains." + d + ": a domain name is lower-case letters, digits and '-', starting with a letter");
            }
            if (p == null) {
                problems.add("domains." + d + ": the domain has no settings");
                continue;
            }
            if (p.workspace() == null || p.workspace().isBlank()) {
                problems.add("domains." + d + ".workspace: every domain needs a workspace path");
            }
            checkDuration(problems, "domains." + d + ".limits.commandTimeout", p.limits().commandTimeout());
            checkDuration(problems, "domains." + d + ".limits.patchTimeout", p.limits().patchTimeout());
            checkDuration(problems, "domains." + d + ".retry.backoff", p.retry().backoff());
            checkDuration(problems, "domains." + d + ".sla.oldestPending", p.sla().oldestPending());
            checkDuration(problems, "domains." + d + ".sla.runTime", p.sla().runTime());
            checkDuration(problems, "domains." + d + ".driftCheckInterval", p.driftCheckInterval());
            if (p.limits().patchBytes() <= 0 || p.limits().files() <= 0 || p.limits().outputBytes() <= 0) {
                problems.add("domains." + d + ".limits: limits must be positive");
            }
            if (p.retry().maxAttempts() < 1) {
                problems.add("domains." + d + ".retry.maxAttempts: at least 1 attempt");
            }
            for (List<String> prefix : p.commands().allow()) {
                if (prefix.isEmpty()) {
                    problems.add("domains." + d + ".commands.allow: an allowed command needs at least a program name");
                }
            }
        }
        return problems;
    }

    private static void checkDuration(List<String> problems, String field, String value) {
        try {
            Durations.parse(value);
        } catch (IllegalArgumentException e) {
            problems.add(field + ": " + e.getMessage());
        }
    }

    /** Best-effort line of the field a semantic problem names: the line of its last path segment's key. */
    private static int lineOf(byte[] yaml, String problem) {
        String path = problem.substring(0, Math.max(0, problem.indexOf(':')));
        if (path.isEmpty()) {
            return 0;
        }
        String[] parts = path.replaceAll("\\[\\d+]", "").split("\\.");
        String[] lines = new String(yaml, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        int from = 0;
        int found = 0;
        for (String part : parts) {
            for (int i = from; i < lines.length; i++) {
                if (lines[i].trim().startsWith(part + ":")) {
                    found = i + 1;
                    from = i + 1;
                    break;
                }
            }
        }
        return found;
    }
}
