package io.patchbay.executor.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "ONLY", "this");

    @Test
    void processSeesExactlyTheGivenEnvironment() throws Exception {
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("env"), dir, ENV, Duration.ofSeconds(10), 4096);

        assertThat(o.succeeded()).isTrue();
        List<String> names = Arrays.stream(o.outputTail().split("\n")).filter(l -> l.contains("="))
                .map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).containsExactlyInAnyOrder("PATH", "LANG", "ONLY");
    }

    @Test
    void runsInTheGivenFolderWithoutAShell() throws Exception {
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("sh", "-c", "pwd; echo $0", "a;b"), dir, ENV,
                Duration.ofSeconds(10), 4096);

        assertThat(o.outputTail()).isEqualTo(dir.toRealPath() + "\na;b\n");
    }

    @Test
    void outputIsCutToItsTail() throws Exception {
        ProcessRunner.Outcome o = ProcessRunner.run(
                List.of("sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo line-$i; i=$((i+1)); done; echo the-end"),
                dir, ENV, Duration.ofSeconds(30), 100);

        assertThat(o.outputTail()).startsWith("[").contains("earlier bytes not kept").endsWith("line-1999\nthe-end\n");
        assertThat(o.outputTail().substring(o.outputTail().indexOf('\n') + 1)).hasSize(100);
    }

    @Test
    void exitCodeIsReported() throws Exception {
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("sh", "-c", "exit 42"), dir, ENV, Duration.ofSeconds(10),
                4096);

        assertThat(o.exitCode()).isEqualTo(42);
        assertThat(o.succeeded()).isFalse();
        assertThat(o.timedOut()).isFalse();
    }

    @Test
    void programThatDoesNotExistFailsWithoutThrowing() throws Exception {
        ProcessRunner.Outcome o = ProcessRunner.run(List.of("no-such-program-anywhere"), dir, ENV,
                Duration.ofSeconds(10), 4096);

        assertThat(o.exitCode()).isEqualTo(-1);
        assertThat(o.outputTail()).contains("cannot start no-such-program-anywhere");
    }
}
