package io.patchbay.contracts.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.schema.SchemaCheck;
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
        return loadFile(file, "contract", ContractLoader::parse);
    }

    public static ExecutionContract loadDefault() {
        return loadResource(DEFAULT_RESOURCE, "contract", ContractLoader::parse);
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
        return parseChecked(yaml, source, "contract", Schema.INSTANCE, ExecutionContract.class, ContractLoader::check)
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

    /** What the schema cannot check: cross references, time zones, approvals that can be given. */
    private static List<SchemaCheck.Problem> check(ExecutionContract c, JsonNode tree) {
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

    static SchemaCheck.Problem problem(JsonNode tree, String pointer, String message) {
        JsonNode node = tree.at(com.fasterxml.jackson.core.JsonPointer.compile(
                pointer.replace("~", "~0").replace("//", "/")));
        return new SchemaCheck.Problem(pointer, SchemaCheck.lineOf(node.isMissingNode() ? null : node), message);
    }

}
