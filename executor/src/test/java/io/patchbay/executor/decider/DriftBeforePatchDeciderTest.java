package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.contracts.work.WorkspaceTask;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decider's half of drift found before a patch: the order carries the commit to expect; the
 * worker's "drifted, not started" answer freezes the domain and puts the patch back at the head
 * of its queue, neither failed nor retried; after the unfreeze it runs and ends exactly once.
 */
class DriftBeforePatchDeciderTest extends DeciderTestBase {

    private static final String DRIFT_CONTRACT = """
            version: "test-1"
            domains:
              main:
                workspace: ws/main
                driftCheckInterval: 1m
            """;

    private static final Submitter OPS = Submitter.http("ops");

    @BeforeEach
    void driftContract() {
        contract.set(parse(DRIFT_CONTRACT));
    }

    private void submit(String id) {
        submit(patch(id, "main", id + ".txt", id));
    }

    private WorkOrder onlyOrder() {
        List<WorkOrder> os = work.readValuesToList();
        assertThat(os).hasSize(1);
        return os.get(0);
    }

    private void succeed(String id, int attempt, String commit) {
        result(new WorkResult.Succeeded("main", id, attempt, T0, commit, List.of(id + ".txt"), List.of(), null, "# s",
                5, false));
    }

    private static WorkResult.TreeDrifted drifted(String id, int attempt) {
        return new WorkResult.TreeDrifted("main", id, attempt, T0, "c1", "c1", List.of("README.md", "scratch.txt"),
                "uncommitted changes: modified README.md, untracked scratch.txt");
    }

    private long terminalEventsOf(String id) {
        return allEvents.stream().filter(e -> id.equals(e.patchId())).filter(e -> e.body().terminal()).count();
    }

    @Test
    void patchOrderCarriesTheLastAppliedCommitAsTheHeadToExpect() {
        submit("p1");
        drainEvents();
        assertThat(onlyOrder().expectedHead()).as("nothing applied yet").isNull();
        succeed("p1", 1, "c1");

        submit("p2");
        drainEvents();

        WorkOrder order = onlyOrder();
        assertThat(order.patchId()).isEqualTo("p2");
        assertThat(order.expectedHead()).isEqualTo("c1");
    }

    @Test
    void driftBeforeAPatchFreezesTheDomainAndThePatchRunsAfterTheUnfreezeWithExactlyOneEnd() {
        submit("p1");
        succeed("p1", 1, "c1");
        submit("p2");
        submit("p3");
        drainEvents();
        work.readValuesToList();

        result(drifted("p2", 1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("DriftFound", "Queued");
        assertThat(es.get(0).patchId()).as("the freeze is the domain's").isNull();
        assertThat(es.get(0).body()).isEqualTo(new EventBody.DriftFound("c1", "c1",
                "uncommitted changes: modified README.md, untracked scratch.txt", List.of("README.md", "scratch.txt")));
        assertThat(es.get(1).patchId()).isEqualTo("p2");
        assertThat(es.get(1).body()).isEqualTo(new EventBody.Queued(1));
        assertThat(work.isEmpty()).as("nothing runs while frozen").isTrue();

        // Late and repeated answers of the attempt that never started change nothing.
        result(drifted("p2", 1));
        tick(Duration.ofMinutes(5));
        assertThat(events.isEmpty()).isTrue();
        assertThat(work.isEmpty()).as("neither patches nor verifies while frozen").isTrue();

        send(new Command.Unfreeze("main", "reset", OPS, clock.instant()));
        WorkOrder reset = onlyOrder();
        assertThat(reset.workspace().action()).isEqualTo(WorkspaceTask.RESET);
        assertThat(reset.workspace().expectedCommit()).isEqualTo("c1");
        result(new WorkResult.WorkspaceVerified("main", reset.workspace().check(), "reset", T0, "c1", "t1",
                "refs/patchbay/drift/main/" + reset.workspace().check()));

        es = drainEvents();
        assertThat(types(es)).containsExactly("DomainUnfrozen", "Snapshot", "Dispatched");
        assertThat(es.get(0).body()).isEqualTo(new EventBody.DomainUnfrozen("reset", OPS,
                "refs/patchbay/drift/main/" + reset.workspace().check()));
        assertThat(es.get(2).patchId()).as("the drifted patch first, ahead of p3").isEqualTo("p2");
        WorkOrder again = onlyOrder();
        assertThat(again.patchId()).isEqualTo("p2");
        assertThat(again.attempt()).as("a new attempt, so the old one's answers stay ignored").isEqualTo(2);
        assertThat(again.expectedHead()).isEqualTo("c1");

        result(drifted("p2", 1));
        assertThat(events.isEmpty()).as("the old attempt's answer once more").isTrue();
        succeed("p2", 2, "c2");
        es = drainEvents();
        assertThat(types(es)).containsExactly("Succeeded", "Dispatched");
        assertThat(es.get(1).patchId()).isEqualTo("p3");
        assertThat(onlyOrder().expectedHead()).isEqualTo("c2");

        assertThat(terminalEventsOf("p2")).isEqualTo(1);
        assertThat(allEvents.stream().filter(e -> "p2".equals(e.patchId())).map(Event::type))
                .containsExactly("Submitted", "Accepted", "Queued", "Dispatched", "Queued", "Dispatched", "Succeeded");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void aPatchSomeoneAskedToCancelEndsCancelledWhenDriftStoppedItAndTheDomainStaysFrozen() {
        submit("p1");
        succeed("p1", 1, "c1");
        submit("p2");
        drainEvents();
        work.readValuesToList();
        send(new Command.Cancel("main", "p2", OPS, clock.instant(), "not needed"));
        assertThat(types(drainEvents())).containsExactly("CancelRequested");
        work.readValuesToList();

        result(drifted("p2", 1));

        assertThat(types(drainEvents())).containsExactly("DriftFound", "Cancelled");
        assertThat(terminalEventsOf("p2")).isEqualTo(1);
        submit("p3");
        assertThat(types(drainEvents())).doesNotContain("Dispatched");
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void eventsRecordedBeforeFilesAndSavedRefsWereKeptReadBackAndHashAsBefore() {
        // Old DriftFound and DomainUnfrozen bodies have no files or savedRef: they must serialise as they did.
        assertThat(io.patchbay.contracts.Json.canonical(new EventBody.DriftFound("c1", "c2", "d")))
                .isEqualTo("{\"type\":\"DriftFound\",\"actualCommit\":\"c2\",\"detail\":\"d\",\"expectedCommit\":\"c1\"}");
        assertThat(io.patchbay.contracts.Json.canonical(new EventBody.DomainUnfrozen("adopt", null)))
                .isEqualTo("{\"type\":\"DomainUnfrozen\",\"mode\":\"adopt\"}");
        EventBody old = io.patchbay.contracts.Json.read(
                "{\"type\":\"DriftFound\",\"actualCommit\":\"c2\",\"detail\":\"d\",\"expectedCommit\":\"c1\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8), EventBody.class);
        assertThat(old).isEqualTo(new EventBody.DriftFound("c1", "c2", "d"));
        assertThat(((EventBody.DriftFound) old).files()).isNull();
    }
}
