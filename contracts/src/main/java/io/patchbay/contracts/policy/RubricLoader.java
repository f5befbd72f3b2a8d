package io.patchbay.contracts.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.schema.SchemaCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/** Reads and checks the self-evaluation rubric; a bad one is refused with file, line and reason. */
public final class RubricLoader {

    /** Where the default rubric sits on the class path (and at {@code contracts/sot/} in the repository). */
    public static final String DEFAULT_RESOURCE = "/sot/self-evaluation-rubric.yml";

    private RubricLoader() {}

    public static Rubric load(Path file) {
        return ContractLoader.loadFile(file, "rubric", RubricLoader::parse);
    }

    public static Rubric loadDefault() {
        return ContractLoader.loadResource(DEFAULT_RESOURCE, "rubric", RubricLoader::parse);
    }

    public static Rubric parse(byte[] yaml, String source) {
        return ContractLoader.parseChecked(yaml, source, "rubric", Schema.INSTANCE, Rubric.class, RubricLoader::check)
                .withHash(Json.sha256Hex(yaml));
    }

    private static List<SchemaCheck.Problem> check(Rubric rubric, JsonNode tree) {
        var problems = new ArrayList<SchemaCheck.Problem>();
        var ids = new HashSet<String>();
        for (int i = 0; i < rubric.criteria().size(); i++) {
            Rubric.Criterion c = rubric.criteria().get(i);
            if (!ids.add(c.id())) {
                problems.add(ContractLoader.problem(tree, "/criteria/" + i + "/id", "the id '" + c.id()
                        + "' is used twice; each criterion needs its own"));
            }
            if (c.kind().equals("docsWithCode") && (c.code().isEmpty() || c.docs().isEmpty())) {
                problems.add(ContractLoader.problem(tree, "/criteria/" + i, "a docsWithCode criterion needs both"
                        + " 'code' and 'docs' globs"));
            }
        }
        return problems;
    }

    private static final class Schema {
        static final SchemaCheck INSTANCE = SchemaCheck.of(SchemaCheck.RUBRIC, "rubric");
    }
}
