package io.patchbay.contracts.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.schema.SchemaCheck;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.FailureClass;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Reads and checks the execution contract. A contract that cannot be used is refused whole with
 * the file, the line and the reason: start-up stops rather than run under a policy nobody wrote.
 */
public final class ContractLoader {

    /** Where the default contract sits on the class path (and at {@code contracts/sot/} in the repository). */
    public static final String DEFAULT_RESOURCE = "/sot/execution-contract.yml";

    private ContractLoader() {}

    public static ExecutionContract load(Path file) {
        return load(file, RecordLimits.DEFAULT);
    }

    /** Reads the contract, refusing a {@code limits.patchBytes} that records of {@code limits} cannot carry. */
    public static ExecutionContract load(Path file, RecordLimits limits) {
        return loadFile(file, "contract", (yaml, source) -> parse(yaml, source, limits));
    }

    public static ExecutionContract loadDefault() {
        return loadDefault(RecordLimits.DEFAULT);
    }

    public static ExecutionContract loadDefault(RecordLimits limits) {
        return loadResource(DEFAULT_RESOURCE, "contract", (yaml, source) -> parse(yaml, source, limits));
    }

    static <T> T loadFile(Path file, String noun, BiFunction<byte[], String, T> parse) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ContractException(file.toString(), 0, "cannot read the " + noun + ": " + e.getMessage(), e);
        }
        return parse.apply(bytes, file.toString());
    }

    static <T> T loadResource(String resource, String noun, BiFunction<byte[], String, T> parse) {
        try (InputStream in = ContractLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the default " + noun + " " + resource + " is missing from the class path");
            }
            return parse.apply(in.readAllBytes(), "classpath:" + resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses and checks contract YAML; {@code source} names it in errors. The YAML is checked
     * against {@code contracts/schema/execution-contract.schema.json} first, then for what a schema
     * cannot say (routes to unknown domains, time zones, approvals nobody can give).
     */
    public static ExecutionContract parse(byte[] yaml, String source) {
        return parse(yaml, source, RecordLimits.DEFAULT);
    }

    /** As {@link #parse(byte[], String)}, with the record limits the pipeline runs with. */
    public static ExecutionContract parse(byte[] yaml, String source, RecordLimits limits) {
        return parseChecked(yaml, source, "contract", Schema.INSTANCE, ExecutionContract.class,
                (c, tree) -> check(c, tree, limits))
                .withHash(Json.sha256Hex(yaml));
    }

    /**
     * Reads a YAML document of the source of truth: syntax, then its schema, then the record, then
     * {@code check} for what the schema cannot say. Every problem is reported, sorted by line.
     */
    static <T> T parseChecked(byte[] yaml, String source, String noun, SchemaCheck schema, Class<T> type,
            BiFunction<T, JsonNode, List<SchemaCheck.Problem>> check) {
        JsonNode tree;
        try {
            tree = SchemaCheck.read(new String(yaml, StandardCharsets.UTF_8), true);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new ContractException(source, line, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ContractException(source, 0, e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ContractException(source, 0, "the " + noun + " is empty", null);
        }
        List<SchemaCheck.Problem> problems = schema.check(tree);
        T raw = null;
        if (problems.isEmpty()) {
            try {
                raw = Json.yaml().treeToValue(tree, type);
            } catch (JsonMappingException e) {
                int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                throw new ContractException(source, line, mappingReason(e, noun), e);
            } catch (JsonProcessingException e) {
                throw new ContractException(source, 0, e.getOriginalMessage(), e);
            }
            problems = check.apply(raw, tree).stream()
                    .sorted(java.util.Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()))
                    .toList();
        }
        if (!problems.isEmpty()) {
            String reason = problems.stream().map(SchemaCheck.Problem::withDottedPath).collect(Collectors.joining("; "));
            int line = problems.stream().mapToInt(SchemaCheck.Problem::line).filter(l -> l > 0).findFirst().orElse(0);
            throw new ContractException(source, line, reason, null);
        }
        return raw;
    }

    /** The schema, loaded once on first use. */
    private static final class Schema {
        static final SchemaCheck INSTANCE = SchemaCheck.of(SchemaCheck.CONTRACT, "contract");
    }

    private static String mappingReason(JsonMappingException e, String noun) {
        String path = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
                .orElse("");
        String msg = e.getOriginalMessage();
        if (msg != null && msg.startsWith("Unrecognized field")) {
            int end = msg.indexOf(" (");
            msg = (end > 0 ? msg.substring(0, end) : msg) + " is not a " + noun + " field";
        }
        return (path.isEmpty() ? "" : path + ": ") + msg;
    }

    /**
     * What the schema cannot check: cross references, time zones, approvals that can be given,
     * patches the pipeline's records can carry, and failure classes that may be tried again.
     */
    private static List<SchemaCheck.Problem> check(ExecutionContract c, JsonNode tree, RecordLimits limits) {
        var problems = new ArrayList<SchemaCheck.Problem>(identityProblems(c, tree));
        Identities people = c.people();
        for (Map.Entry<String, DomainPolicy> e : c.domains().entrySet()) {
            String d = e.getKey();
            DomainPolicy p = e.getValue();
            String at = "/domains/" + d;
            if (p == null) {
                problems.add(problem(tree, at, "the domain has no settings"));
                continue;
            }
            checkCarryable(p, tree, at, limits, problems);
            if (p.remote() != null) {
                p.remote().problem().ifPresent(m -> problems.add(problem(tree, at + "/remote", m)));
            }
            checkRetriable(tree, at + "/retry/on", p.retry().on(), "retried", problems);
            checkRetriable(tree, at + "/quarantine/on", p.quarantine().on(), "quarantined", problems);
            DomainPolicy.RiskRules risk = p.risk();
            for (int i = 0; i < risk.approvers().size(); i++) {
                String a = risk.approvers().get(i);
                if (!a.equals("*") && !a.contains(":") && !people.isPerson(a)) {
                    problems.add(problem(tree, at + "/risk/approvers/" + i, "'" + a + "' is neither channel:id nor "
                            + "a person listed under identities; add " + a + ": [http:…, slack:…] there"));
                }
            }
            for (io.patchbay.contracts.patch.Risk level : io.patchbay.contracts.patch.Risk.values()) {
                DomainPolicy.Level rule = risk.level(level);
                String levelAt = at + "/risk/levels/" + level.label();
                if (rule.approvals() > 0 && !risk.approvers().contains("*")) {
                    // Approvals count people: two credentials of one person are one approver.
                    int possible = (int) risk.approvers().stream().map(people::personOfEntry).distinct().count();
                    if (possible < rule.approvals()) {
                        problems.add(problem(tree, levelAt + "/approvals", level.label() + " patches need "
                                + rule.approvals() + " approval(s) but only " + possible
                                + " approver(s) are listed under risk.approvers"));
                    }
                }
                for (int i = 0; i < rule.windows().size(); i++) {
                    String windowAt = levelAt + "/windows/" + i;
                    rule.windows().get(i).problem().ifPresent(m -> problems.add(problem(tree, windowAt, m)));
                }
            }
            for (int i = 0; i < risk.rules().size(); i++) {
                String ruleAt = at + "/risk/rules/" + i;
                risk.rules().get(i).problem().ifPresent(m -> problems.add(problem(tree, ruleAt, m)));
            }
        }
        c.routes().slackChannels().forEach((channel, domain) -> {
            if (!c.domains().containsKey(domain)) {
                problems.add(problem(tree, "/routes/slackChannels/" + channel, "routes to domain '" + domain
                        + "', which the contract does not define"));
            }
        });
        c.routes().nodeTargets().forEach((target, domain) -> {
            if (!c.domains().containsKey(domain)) {
                problems.add(problem(tree, "/routes/nodeTargets/" + target, "routes to domain '" + domain
                        + "', which the contract does not define"));
            }
        });
        return problems;
    }

    /** A credential belongs to one person: listed under two, approvals and four eyes could not tell who acts. */
    private static List<SchemaCheck.Problem> identityProblems(ExecutionContract c, JsonNode tree) {
        var problems = new ArrayList<SchemaCheck.Problem>();
        var owner = new java.util.HashMap<String, String>();
        c.identities().forEach((person, credentials) -> {
            for (int i = 0; credentials != null && i < credentials.size(); i++) {
                String other = owner.putIfAbsent(credentials.get(i), person);
                if (other != null && !other.equals(person)) {
                    problems.add(problem(tree, "/identities/" + person + "/" + i, credentials.get(i)
                            + " is already listed under " + other + "; a credential belongs to one person"));
                }
            }
        });
        return problems;
    }

    /** A patch the contract allows must fit in every record that carries it, or it would stop the pipeline. */
    private static void checkCarryable(DomainPolicy p, JsonNode tree, String at, RecordLimits limits,
            List<SchemaCheck.Problem> problems) {
        long allowed = p.limits().patchBytes();
        if (allowed > limits.maxPatchBytes()) {
            problems.add(problem(tree, at + "/limits/patchBytes", "allows patches of " + allowed
                    + " bytes, but patchbay's records carry at most " + limits.maxPatchBytes()
                    + " bytes of patch (a record is at most " + limits.maxRecordBytes() + " bytes, "
                    + RecordLimits.ENV + "); lower patchBytes or raise " + RecordLimits.ENV));
        }
    }

    /** Only the worker's own faults may be retried or quarantined: a patch's fault fails the same way again. */
    private static void checkRetriable(JsonNode tree, String pointer, List<String> classes, String verb,
            List<SchemaCheck.Problem> problems) {
        for (String name : classes) {
            for (FailureClass f : FailureClass.values()) {
                if (f.contractName().equals(name) && !f.retriable()) {
                    problems.add(problem(tree, pointer, "'" + name + "' is the patch's own fault and is never " + verb
                            + ": the same patch fails the same way again; list only "
                            + java.util.Arrays.stream(FailureClass.values()).filter(FailureClass::retriable)
                                    .map(FailureClass::contractName).toList()));
                }
            }
        }
    }

    static SchemaCheck.Problem problem(JsonNode tree, String pointer, String message) {
        JsonNode node = tree.at(com.fasterxml.jackson.core.JsonPointer.compile(
                pointer.replace("~", "~0").replace("//", "/")));
        return new SchemaCheck.Problem(pointer, SchemaCheck.lineOf(node.isMissingNode() ? null : node), message);
    }

}
