package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchReader.Format;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.executor.sandbox.SandboxRequirement;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.worker.TreeCheck;
import io.patchbay.executor.worker.Workspaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dry run answers as the decider would, verdict first: a patch the contract (or the missing
 * sandbox) refuses is never tried against the tree, and the tree is tried only for one it accepts.
 * The tree step records its calls and then does the real check on a real git tree.
 */
class DryRunTest {

    private static final Submitter CI = Submitter.http("ci");
    /** A hunk for a file the tree does not have: applying it would fail. */
    private static final String DIFF = "--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-old value\n+new value\n";

    @TempDir
    Path home;

    private final ExecutionContract contract = ContractLoader.loadDefault();
    private final List<String> treeCalls = new ArrayList<>();

    private DryRun dryRun(SandboxStatus sandbox) {
        return new DryRun(() -> contract, home, Clock.systemUTC(), sandbox, (tree, patch, maxBinary) -> {
            treeCalls.add(patch.title());
            return TreeCheck.problems(tree, patch, maxBinary);
        });
    }

    private static byte[] diff(String path) {
        return DIFF.formatted(path, path).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> codes(DryRun.Report r) {
        return r.violations().stream().map(Violation::code).toList();
    }

    @Test
    void aPatchTheVerdictRefusesIsNeverTriedAgainstTheTree() {
        Workspaces.ensure(contract, home);
        DryRun dry = dryRun(SandboxStatus.AVAILABLE);

        DryRun.Report denied = dry.report(diff("secrets/prod.env"), Format.DIFF, "main", CI);

        assertThat(denied.passes()).isFalse();
        assertThat(codes(denied)).containsExactly("PATH_DENIED");
        assertThat(denied.applies()).isNull();
        assertThat(denied.applyProblems()).isEmpty();
        assertThat(denied.lines()).contains("not tried against the working tree: the contract refuses it");
        assertThat(treeCalls).isEmpty();

        // The same hunk at an allowed path is tried, and the tree step finds it would not apply.
        DryRun.Report allowed = dry.report(diff("config/prod.env"), Format.DIFF, "main", CI);

        assertThat(treeCalls).hasSize(1);
        assertThat(allowed.violations()).isEmpty();
        assertThat(allowed.applies()).isFalse();
        assertThat(allowed.applyProblems()).isNotEmpty();
        assertThat(allowed.passes()).isFalse();
    }

    @Test
    void aRefusedPatchForATreeThatDoesNotExistStillGetsTheVerdictsAnswer() {
        assertThat(Workspaces.pathOf(contract, home, "main")).doesNotExist();

        DryRun.Report r = dryRun(SandboxStatus.AVAILABLE).report(diff("secrets/prod.env"), Format.DIFF, "main", CI);

        assertThat(codes(r)).containsExactly("PATH_DENIED");
        assertThat(r.violations().get(0).message()).contains("secrets/prod.env");
        assertThat(r.applyProblems()).isEmpty();
        assertThat(r.lines()).anyMatch(l -> l.contains("PATH_DENIED"));
        assertThat(treeCalls).isEmpty();

        DryRun.Report allowed = dryRun(SandboxStatus.AVAILABLE).report(diff("config/prod.env"), Format.DIFF, "main",
                CI);
        assertThat(allowed.applyProblems()).singleElement().asString().contains("does not exist yet");
    }

    @Test
    void aPatchThatStartsAProcessIsRefusedWhereTheSandboxIsMissingAndNotTriedAgainstTheTree() {
        Workspaces.ensure(contract, home);
        byte[] withCommand = json("""
                {"domain":"main","title":"with command","files":[{"path":"notes.txt","content":"x\\n"}],
                 "commands":[["true"]]}""");

        DryRun.Report missing = dryRun(SandboxStatus.unavailable("no bwrap on this test machine"))
                .report(withCommand, Format.JSON, null, CI);

        assertThat(missing.passes()).isFalse();
        assertThat(codes(missing)).containsExactly(SandboxRequirement.CODE);
        assertThat(missing.violations().get(0).message()).contains("no bwrap on this test machine")
                .contains("apt-get install bubblewrap");
        assertThat(missing.lines()).anyMatch(l -> l.startsWith("  " + SandboxRequirement.CODE));
        assertThat(missing.applies()).isNull();
        assertThat(treeCalls).isEmpty();

        DryRun.Report present = dryRun(SandboxStatus.AVAILABLE).report(withCommand, Format.JSON, null, CI);

        assertThat(present.violations()).isEmpty();
        assertThat(present.passes()).isTrue();
        assertThat(treeCalls).containsExactly("with command");
    }

    @Test
    void aPatchThatStartsNoProcessPassesWithoutASandbox() {
        Workspaces.ensure(contract, home);
        byte[] filesOnly = json("""
                {"domain":"main","title":"files only","files":[{"path":"notes.txt","content":"x\\n"}]}""");

        DryRun.Report r = dryRun(SandboxStatus.unavailable("no bwrap on this test machine"))
                .report(filesOnly, Format.JSON, null, CI);

        assertThat(r.violations()).isEmpty();
        assertThat(r.passes()).isTrue();
        assertThat(r.applies()).isTrue();
    }

    @Test
    void theSandboxRuleOfTheDryRunIsTheDecidersFunction() {
        // Same function, same answer: a patch whose gates start processes counts, as for the decider.
        Patch withGate = new Patch(null, "main", "gated", null, null, null,
                List.of(io.patchbay.contracts.patch.FileChange.write("notes.txt", "x\n")), null,
                List.of(new io.patchbay.contracts.patch.Gate("g", List.of("true"), null, null)), null);
        SandboxStatus none = SandboxStatus.unavailable("no bwrap on this test machine");
        assertThat(SandboxRequirement.violations(withGate, contract.domain("main").orElseThrow(), none)).isNotEmpty();

        DryRun.Report r = dryRun(none).report(json("""
                {"domain":"main","title":"gated","files":[{"path":"notes.txt","content":"x\\n"}],
                 "gates":[{"name":"g","run":["true"]}]}"""), Format.JSON, null, CI);
        assertThat(codes(r)).containsExactly(SandboxRequirement.CODE);
    }
}
