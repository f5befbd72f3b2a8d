package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.Bubblewrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which program a command starts, in the sandbox ({@code main}) and without it ({@code loose}): one
 * of the system PATH, never one the tree puts in the way; the tree's own only as an allowlisted
 * {@code ./name}. And what a domain without a sandbox, or a worker whose bubblewrap is gone, reports.
 */
class SandboxProgramTest {

    private static final String HIJACK = "#!/bin/sh\necho hijacked > hijacked.txt\necho hijacked\n";

    @TempDir
    Path dir;

    private SandboxFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new SandboxFixture(dir);
    }

    private static void needsBwrapFor(String domain) {
        if (domain.equals("main")) {
            assumeTrue(SandboxFixture.HAS_BWRAP, SandboxFixture.NO_BWRAP);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "loose"})
    void programNamedLikeASystemOneInTheTreeIsNotRun(String domain) throws Exception {
        needsBwrapFor(domain);
        f.commitFile(domain, "cat", HIJACK, true);
        f.commitFile(domain, "bin/cat", HIJACK, true);
        f.commitFile(domain, ".local/bin/cat", HIJACK, true);

        GateResult g = SandboxFixture.onlyGate(f.gate(domain, List.of("cat", "notes.txt")));

        assertThat(g.passed()).isTrue();
        assertThat(g.outputTail()).isEqualTo("one\ntwo\nthree\n");
        assertThat(f.tree(domain).resolve("hijacked.txt")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "loose"})
    void commandsSeeTheFixedSystemPathAndAHomeOfTheirOwn(String domain) throws Exception {
        needsBwrapFor(domain);

        GateResult g = SandboxFixture.onlyGate(f.gate(domain, List.of("sh", "-c", "printenv PATH; printenv HOME")));

        String[] lines = g.outputTail().strip().split("\n");
        assertThat(lines[0]).isEqualTo(Bubblewrap.SYSTEM_PATH);
        assertThat(Path.of(lines[1]).startsWith(f.home)).as(lines[1]).isFalse();
        assertThat(Path.of(lines[1])).isNotEqualTo(Path.of(System.getProperty("user.home")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "loose"})
    void allowlistedDotSlashProgramRunsTheTreesFile(String domain) throws Exception {
        needsBwrapFor(domain);
        f.commitFile(domain, "tool", "#!/bin/sh\necho tool ran in \"$PWD\"\n", true);

        GateResult g = SandboxFixture.onlyGate(f.gate(domain, List.of("./tool")));

        assertThat(g.passed()).as("%s", g).isTrue();
        assertThat(g.outputTail()).contains("tool ran in " + f.tree(domain));
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "loose"})
    void programNamedByAPathDoesNotStart(String domain) throws Exception {
        needsBwrapFor(domain);
        f.commitFile(domain, "bin/tool", HIJACK, true);

        for (String program : List.of("/usr/bin/true", "bin/tool", f.tree(domain).resolve("bin/tool").toString())) {
            GateResult g = SandboxFixture.onlyGate(f.gate(domain, List.of(program)));

            assertThat(g.passed()).as(program).isFalse();
            assertThat(g.outputTail()).contains("refused to start");
        }
        assertThat(f.tree(domain).resolve("hijacked.txt")).doesNotExist();
    }

    // ---- sandbox: none ------------------------------------------------------------------------

    @Test
    void domainWithoutASandboxSaysSoInEverySummary() throws Exception {
        WorkResult ok = f.gate("loose", List.of("true"));
        WorkResult failed = f.gate("loose", List.of("cat", "no-such-file"));

        assertThat(ok).isInstanceOfSatisfying(WorkResult.Succeeded.class, s -> {
            assertThat(s.summary()).contains("| Sandbox | **none**");
            assertThat(f.home.resolve(s.summaryPath())).content().contains("| Sandbox | **none**");
        });
        assertThat(failed).isInstanceOfSatisfying(WorkResult.Failed.class,
                x -> assertThat(x.summary()).contains("| Sandbox | **none**").contains("commands.sandbox: none"));
    }

    @Test
    void sandboxedDomainsSummaryHasNoSuchCaution() throws Exception {
        needsBwrapFor("main");

        WorkResult ok = f.gate("main", List.of("true"));

        assertThat(ok).isInstanceOfSatisfying(WorkResult.Succeeded.class,
                s -> assertThat(s.summary()).doesNotContain("| Sandbox |"));
    }

    // ---- bubblewrap gone ----------------------------------------------------------------------

    @Test
    void workerWhoseBubblewrapIsGoneFailsThePatchForAPersonToAct() throws Exception {
        PatchRunner runner = f.runner(new Bubblewrap(Path.of("/nonexistent/patchbay-test/bwrap")));

        WorkResult r = f.run(runner, "main", List.of(List.of("true")));

        assertThat(r).isInstanceOfSatisfying(WorkResult.Failed.class, x -> {
            assertThat(x.failureClass()).isEqualTo(FailureClass.PRECONDITION);
            assertThat(x.failureClass().retriable()).isFalse();
            assertThat(x.reason()).contains("apt-get install bubblewrap").contains("commands.sandbox: none");
        });
        assertThat(f.tree("main").resolve("w.txt")).doesNotExist();
    }

    @Test
    void workerWithoutBubblewrapStillRunsWhatNeedsNoSandbox() throws Exception {
        PatchRunner runner = f.runner(new Bubblewrap(Path.of("/nonexistent/patchbay-test/bwrap")));

        WorkResult fileOnly = f.run(runner, "main", null, Gate.fileContains("has", "notes.txt", "two"));
        WorkResult unconfined = f.run(runner, "loose", List.of(List.of("true")));

        assertThat(fileOnly).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(unconfined).isInstanceOf(WorkResult.Succeeded.class);
        assertThat(Files.readString(f.tree("main").resolve("w.txt"))).startsWith("p-");
    }
}
