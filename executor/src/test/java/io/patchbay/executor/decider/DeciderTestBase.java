package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.HashMap;
import java.util.Deque;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The decider on a {@link TopologyTestDriver} with a clock the test moves, and the helpers every decider test uses. */
abstract class DeciderTestBase {

    static final String CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                commands:
                  allow: [["true"], ["echo"]]
                retry:
                  maxAttempts: 3
                  backoff: 2s
              ops:
                workspace: ws/ops
            """;

    static final Submitter ALICE = Submitter.http("alice");
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path stateDir;

    final MutableClock clock = new MutableClock(T0);
    final AtomicReference<ExecutionContract> contract = new AtomicReference<>(parse(CONTRACT));
    final List<Event> allEvents = new ArrayList<>();
    TopologyTestDriver driver;
    TestInputTopic<String, Command> commands;
    TestInputTopic<String, WorkResult> results;
    TestOutputTopic<String, Event> events;
    TestOutputTopic<String, WorkOrder> work;

    @BeforeEach
    void start() {
        var props = Decider.streamsProperties(DeciderConfig.local("127.0.0.1:1", stateDir));
        driver = new TopologyTestDriver(DeciderTopology.build(contract::get, clock, sandbox(),
                io.patchbay.contracts.topic.RecordLimits.DEFAULT, window()), props, T0);
        commands = driver.createInputTopic(Topics.COMMANDS, Topics.KEY.serializer(), Topics.COMMAND.serializer());
        results = driver.createInputTopic(Topics.RESULTS, Topics.KEY.serializer(), Topics.WORK_RESULT.serializer());
        events = driver.createOutputTopic(Topics.EVENTS, Topics.KEY.deserializer(), Topics.EVENT.deserializer());
        work = driver.createOutputTopic(Topics.WORK, Topics.KEY.deserializer(), Topics.WORK_ORDER.deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    /**
     * How many orders of a domain are out at once. The tests of queue, retry, cancel and window
     * semantics read one order at a time, as a window of 1 dispatches them; the pipeline's own tests
     * widen it.
     */
    int window() {
        return 1;
    }

    /** What the decider is told about the command sandbox; available unless a test says otherwise. */
    SandboxStatus sandbox() {
        return SandboxStatus.AVAILABLE;
    }

    static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test");
    }

    static Patch patch(String id, String domain, String path, String content) {
        return patch(id, domain, path, content, null);
    }

    static Patch patch(String id, String domain, String path, String content, Risk risk) {
        return new Patch(id, domain, "Write " + path, risk, "Ann <ann@example.org>", null,
                List.of(FileChange.write(path, content)), null, null, null);
    }

    void submit(Patch p) {
        submit(p, ALICE);
    }

    void submit(Patch p, Submitter by) {
        commands.pipeInput(p.domain(), new Command.Submit(p, by, clock.instant()));
    }

    void send(Command c) {
        commands.pipeInput(c.domain(), c);
    }

    void result(WorkResult r) {
        results.pipeInput(r.domain(), r);
    }

    List<Event> drainEvents() {
        List<Event> out = events.readValuesToList();
        allEvents.addAll(out);
        return out;
    }

    static List<String> types(List<Event> es) {
        return es.stream().map(Event::type).toList();
    }

    /** Moves the test's clock and the driver's wall clock together, so punctuators see the new time. */
    void tick(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    static WorkResult.Succeeded succeeded(String domain, String id, int attempt) {
        return new WorkResult.Succeeded(domain, id, attempt, T0, "c0ffee", List.of("a.txt"), List.of(), "var/s.md",
                "# done", 12, false);
    }

    static WorkResult.Failed failed(String domain, String id, int attempt, FailureClass cls) {
        return new WorkResult.Failed(domain, id, attempt, T0, cls, cls + " happened", "detail", List.of(), null, null, 5);
    }

    /** Submits a patch to main and lets its only attempt fail with an infrastructure fault, which quarantines it. */
    void quarantine(String id) {
        contract.set(parse(CONTRACT.replace("maxAttempts: 3", "maxAttempts: 1")));
        submit(patch(id, "main", "a.txt", "1"));
        result(failed("main", id, 1, FailureClass.INFRASTRUCTURE));
        assertThat(types(drainEvents())).endsWith("Quarantined");
        work.readValuesToList();
    }

    /**
     * Plays a worker that keeps the rules of {@code WorkOrder.after} against a modelled HEAD per
     * domain, until no order is left: it answers a domain's orders in order, reports a patch whose
     * commit is HEAD as already applied, one whose predecessor is not HEAD as not started, answers
     * the idle domains' tree checks, and otherwise lands 6 patches in 10, failing the rest with a
     * retried infrastructure fault or a final gate failure. Returns what landed, per domain, in order.
     */
    Map<String, List<String>> simulateWorker(Random random) {
        Map<String, List<String>> landed = new HashMap<>();
        Deque<WorkOrder> inbox = new ArrayDeque<>(work.readValuesToList());
        for (int step = 0; step < 10_000; step++) {
            if (inbox.isEmpty()) {
                tick(Duration.ofSeconds(30));
                inbox.addAll(work.readValuesToList());
                if (inbox.isEmpty()) {
                    break;
                }
                continue;
            }
            WorkOrder o = inbox.poll();
            String d = o.domain();
            List<String> tree = landed.computeIfAbsent(d, k -> new ArrayList<>());
            String head = tree.isEmpty() ? null : tree.get(tree.size() - 1);
            if (o.isCancel()) {
                continue;
            }
            if (o.forWorkspace()) {
                result(new WorkResult.WorkspaceVerified(d, o.workspace().check(), o.workspace().action(), T0,
                        o.workspace().expectedCommit(), "tree", null));
            } else if (o.patchId().equals(head)) {
                result(new WorkResult.Succeeded(d, o.patchId(), o.attempt(), T0, "c-" + o.patchId(), List.of(),
                        List.of(), null, null, 1, true));
            } else if (o.after() != null && !o.after().equals(head)) {
                result(new WorkResult.NotStarted(d, o.patchId(), o.attempt(), T0, o.after(), head, "not HEAD"));
            } else {
                result(new WorkResult.Started(d, o.patchId(), o.attempt(), T0, "w", head));
                int roll = random.nextInt(10);
                if (roll < 6) {
                    tree.add(o.patchId());
                    result(new WorkResult.Succeeded(d, o.patchId(), o.attempt(), T0, "c-" + o.patchId(), List.of(),
                            List.of(), null, null, 1, false));
                } else {
                    result(failed(d, o.patchId(), o.attempt(),
                            roll < 8 ? FailureClass.INFRASTRUCTURE : FailureClass.GATE_FAILED));
                }
            }
            inbox.addAll(work.readValuesToList());
        }
        drainEvents();
        return landed;
    }
}
