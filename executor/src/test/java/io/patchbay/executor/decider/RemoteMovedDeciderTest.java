package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A worker that fast-forwarded to a remote branch somebody else pushed to says so on Started: the
 * event records the commit the log had, and the new head is what the domain's next order expects,
 * whether the patch then lands or not.
 */
class RemoteMovedDeciderTest extends DeciderTestBase {

    private WorkOrder onlyOrder() {
        List<WorkOrder> os = work.readValuesToList();
        assertThat(os).hasSize(1);
        return os.get(0);
    }

    @Test
    void aFastForwardOnStartIsRecordedAndBecomesTheHeadTheNextOrderExpects() {
        submit(patch("p1", "main", "p1.txt", "p1"));
        drainEvents();
        onlyOrder();
        result(new WorkResult.Succeeded("main", "p1", 1, T0, "c1", List.of("p1.txt"), List.of(), null, "# s", 5,
                false, null, "git://127.0.0.1:9418/app.git"));
        submit(patch("p2", "main", "p2.txt", "p2"));
        drainEvents();
        assertThat(onlyOrder().expectedHead()).isEqualTo("c1");

        result(new WorkResult.Started("main", "p2", 1, T0, "worker-1", "c2", "c1"));
        result(failed("main", "p2", 1, FailureClass.DOES_NOT_APPLY));
        submit(patch("p3", "main", "p3.txt", "p3"));
        List<Event> events = drainEvents();

        assertThat(allEvents).anySatisfy(e -> assertThat(e.body()).isInstanceOfSatisfying(EventBody.Succeeded.class,
                s -> assertThat(s.remote()).isEqualTo("git://127.0.0.1:9418/app.git")));
        assertThat(allEvents).anySatisfy(e -> assertThat(e.body()).isInstanceOfSatisfying(EventBody.Started.class,
                s -> {
                    assertThat(s.baseCommit()).isEqualTo("c2");
                    assertThat(s.movedFrom()).isEqualTo("c1");
                }));
        assertThat(events).isNotEmpty();
        assertThat(onlyOrder().expectedHead()).isEqualTo("c2");
    }

    @Test
    void aStartWithoutAMoveLeavesTheExpectedHeadAlone() {
        submit(patch("p1", "main", "p1.txt", "p1"));
        drainEvents();
        onlyOrder();
        result(new WorkResult.Succeeded("main", "p1", 1, T0, "c1", List.of("p1.txt"), List.of(), null, "# s", 5,
                false));
        submit(patch("p2", "main", "p2.txt", "p2"));
        drainEvents();
        onlyOrder();

        result(new WorkResult.Started("main", "p2", 1, T0, "worker-1", "c1"));
        result(failed("main", "p2", 1, FailureClass.DOES_NOT_APPLY));
        submit(patch("p3", "main", "p3.txt", "p3"));
        drainEvents();

        assertThat(onlyOrder().expectedHead()).isEqualTo("c1");
    }
}
