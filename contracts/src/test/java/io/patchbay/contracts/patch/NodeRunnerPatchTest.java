package io.patchbay.contracts.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeRunnerPatchTest {

    private static final ExecutionContract CONTRACT = ContractLoader.parse("""
            version: "n1"
            routes:
              nodeTargets: {web-frontend: main}
            domains:
              main:
                workspace: ws/main
                nodePathPrefix: /srv/app/
              ops:
                workspace: ws/ops
            """.getBytes(StandardCharsets.UTF_8), "test");

    private static final String BLOCK = """
            {
              "blockId": "blk-42",
              "description": "Add the health endpoint",
              "target": "web-frontend",
              "mutations": [
                {"path": "/srv/app/src/health.js", "contents": "module.exports = () => 'ok';\\n"},
                {"path": "/srv/app/src/routes.js", "insertAfter": "// routes\\n", "contents": "app.get('/health');\\n"},
                {"path": "/srv/app/README.md", "insertBefore": "## License", "contents": "## Health\\n"}
              ],
              "postMutationBuild": {"shell": ["npm run build"]},
              "validate": {"shell": ["npm test", "curl -fs localhost:3000/health"]},
              "successCriteria": ["GET /health answers ok"],
              "rollbackPlan": "git revert the commit",
              "final": {"summaryFile": "/srv/app/SUMMARY.md"}
            }
            """;

    private static Patch read(String json, NodeTargets targets) {
        return PatchReader.read(json.getBytes(StandardCharsets.UTF_8), PatchReader.Format.JSON, null, targets);
    }

    private static List<String> problems(String json, NodeTargets targets) {
        return catchThrowableOfType(PatchFormatException.class, () -> read(json, targets)).problems();
    }

    @Test
    void readsANodeRunnerPatchAsItIs() {
        Patch p = read(BLOCK, CONTRACT);

        assertThat(p.id()).isEqualTo("blk-42");
        assertThat(p.title()).isEqualTo("Add the health endpoint");
        assertThat(p.domain()).isEqualTo("main");
        assertThat(p.files()).containsExactly(
                FileChange.write("src/health.js", "module.exports = () => 'ok';\n"),
                FileChange.insertAfter("src/routes.js", "// routes\n", "app.get('/health');\n"),
                FileChange.insertBefore("README.md", "## License", "## Health\n"));
        assertThat(p.commands()).containsExactly(List.of("sh", "-c", "npm run build"));
        assertThat(p.gates()).extracting(Gate::name, Gate::run).containsExactly(
                org.assertj.core.groups.Tuple.tuple("validate 1", List.of("sh", "-c", "npm test")),
                org.assertj.core.groups.Tuple.tuple("validate 2", List.of("sh", "-c", "curl -fs localhost:3000/health")));
        assertThat(p.notes()).isEqualTo(new Patch.Notes(List.of("GET /health answers ok"), "git revert the commit",
                "/srv/app/SUMMARY.md", "node-runner"));
    }

    @Test
    void aTargetThatNamesADomainNeedsNoRoute() {
        String block = BLOCK.replace("\"web-frontend\"", "\"main\"");

        assertThat(read(block, CONTRACT).domain()).isEqualTo("main");
    }

    @Test
    void refusesATargetTheContractDoesNotMap() {
        assertThat(problems(BLOCK.replace("web-frontend", "mobile"), CONTRACT))
                .singleElement().asString().startsWith("/target: no domain for target 'mobile'");
    }

    @Test
    void refusesNodeRunnerPatchesWithoutAContract() {
        assertThat(problems(BLOCK, NodeTargets.NONE)).singleElement().asString().startsWith("/target:");
    }

    @Test
    void refusesADomainWithoutAPathPrefix() {
        assertThat(problems(BLOCK.replace("\"web-frontend\"", "\"ops\""), CONTRACT))
                .singleElement().asString().contains("/target").contains("nodePathPrefix");
    }

    @Test
    void refusesEveryPathOutsideThePrefixNamingTheMutation() {
        String block = BLOCK.replace("/srv/app/src/routes.js", "/etc/passwd").replace("/srv/app/README.md", "/srv/app");

        assertThat(problems(block, CONTRACT)).containsExactly(
                "/mutations/1/path: '/etc/passwd' is not below '/srv/app', the path the contract gives for domain 'main'",
                "/mutations/2/path: '/srv/app' is not below '/srv/app', the path the contract gives for domain 'main'");
    }

    @Test
    void refusesFieldsTheNodeRunnerFormDoesNotHave() {
        String block = BLOCK.replace("\"blockId\": \"blk-42\",", "\"blockId\": \"blk-42\", \"priority\": 3,")
                .replace("\"path\": \"/srv/app/src/health.js\"", "\"path\": \"src/health.js\"");

        assertThat(problems(block, CONTRACT)).containsExactly(
                "/priority: 'priority' is not a patch field (line 2)",
                "/mutations/0/path: a mutation's path is absolute, such as /srv/app/src/index.js (line 6)");
    }

    @Test
    void theSameBlockGetsTheSameContentAddressWithoutItsId() {
        Patch a = read(BLOCK, CONTRACT);
        Patch b = read(BLOCK.replace("blk-42", "blk-43"), CONTRACT);

        assertThat(a.contentId()).isEqualTo(b.contentId());
        assertThat(a.withDefaultId().id()).isEqualTo("blk-42");
    }
}
