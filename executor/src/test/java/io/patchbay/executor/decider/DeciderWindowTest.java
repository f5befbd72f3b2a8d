package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.work.WorkOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** T0 is Monday 10:00 UTC; medium- and high-risk patches may run only from 12:00 to 13:00 UTC. */
class DeciderWindowTest extends DeciderTestBase {

    private static final String WINDOWS = """
            version: "windows-1"
            domains:
              main:
                workspace: ws/main
                risk:
                  approvers: ["*"]
                  levels:
                    medium:
                      windows: [{days: [mon-sun], from: "12:00", to: "13:00", zone: UTC}]
                    high:
                      approvals: 1
                      windows: [{days: [mon-sun], from: "12:00", to: "13:00", zone: UTC}]
            """;

    private static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

    @BeforeEach
    void windowContract() {
        contract.set(parse(WINDOWS));
    }

    private static EventBody.HeldForWindow held(Event e) {
        return (EventBody.HeldForWindow) e.body();
    }

    @Test
    void patchOutsideItsWindowHoldsItsPlaceAtTheHeadUntilTheWindowOpens() {
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "Queued", "HeldForWindow");
        EventBody.HeldForWindow hold = held(es.get(3));
        assertThat(hold.until()).isEqualTo(NOON);
        assertThat(hold.reason()).contains("medium-risk").contains("12:00-13:00 UTC").contains(NOON.toString());
        assertThat(PatchStatus.after(hold, PatchStatus.QUEUED)).isEqualTo(PatchStatus.HELD_FOR_WINDOW);
        assertThat(work.isEmpty()).isTrue();

        submit(patch("p2", "main", "b.txt", "2"));
        assertThat(types(drainEvents())).as("a low-risk patch behind it waits its turn")
                .containsExactly("Submitted", "Accepted", "Queued");

        tick(Duration.ofMinutes(119));
        assertThat(events.isEmpty()).as("the hold is announced once, not on every tick").isTrue();
        assertThat(work.isEmpty()).isTrue();

        tick(Duration.ofMinutes(1));
        es = drainEvents();
        assertThat(types(es)).containsExactly("Dispatched");
        assertThat(es.get(0).patchId()).isEqualTo("m1");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("m1");

        result(succeeded("main", "m1", 1));
        assertThat(drainEvents()).extracting(Event::type, Event::patchId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Succeeded", "m1"),
                        org.assertj.core.groups.Tuple.tuple("Dispatched", "p2"));
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void contractEditThatOpensTheWindowLetsTheHeldPatchRunOnTheNextTick() {
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        drainEvents();

        contract.set(parse(WINDOWS.replace("from: \"12:00\", to: \"13:00\"", "from: \"09:00\", to: \"13:00\"")));
        tick(Duration.ofMillis(600));

        assertThat(types(drainEvents())).containsExactly("Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("m1");
    }

    @Test
    void contractEditThatMovesTheWindowAnnouncesTheNewOpeningOnce() {
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        drainEvents();

        contract.set(parse(WINDOWS.replace("from: \"12:00\", to: \"13:00\"", "from: \"14:00\", to: \"15:00\"")));
        tick(Duration.ofMillis(600));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("HeldForWindow");
        assertThat(held(es.get(0)).until()).isEqualTo(Instant.parse("2026-11-23T14:00:00Z"));

        tick(Duration.ofMinutes(5));
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void windowIsAskedAgainWhenThePatchsTurnComes() {
        tick(Duration.ofHours(2).plusMinutes(30)); // 12:30, the window is open
        submit(patch("p1", "main", "a.txt", "1"));
        submit(patch("m2", "main", "b.txt", "2", Risk.MEDIUM));
        assertThat(types(drainEvents())).containsExactly("Submitted", "Accepted", "Queued", "Dispatched",
                "Submitted", "Accepted", "Queued");

        tick(Duration.ofHours(1)); // 13:30: p1 ran long, m2's window closed meanwhile
        result(succeeded("main", "p1", 1));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Succeeded", "HeldForWindow");
        assertThat(held(es.get(1)).until()).isEqualTo(NOON.plus(Duration.ofDays(1)));
        work.readValuesToList();
        assertThat(work.isEmpty()).isTrue();
    }

    @Test
    void approvedPatchStillWaitsForItsWindow() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH));
        drainEvents();

        send(new Command.Approve("main", "h1", Submitter.http("bob"), clock.instant()));

        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "HeldForWindow");
        assertThat(work.isEmpty()).isTrue();
        tick(Duration.ofHours(2));
        assertThat(types(drainEvents())).containsExactly("Dispatched");
    }

    @Test
    void cancellingTheHeldHeadLetsThePatchBehindItRun() {
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();

        send(new Command.Cancel("main", "m1", ALICE, clock.instant(), "not tonight"));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Cancelled", "Dispatched");
        assertThat(es.get(1).patchId()).isEqualTo("p2");
        tick(Duration.ofHours(3));
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
    }

    @Test
    void rejectingTheHeldHeadLetsThePatchBehindItRun() {
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        submit(patch("p2", "main", "b.txt", "2"));
        drainEvents();

        send(new Command.Reject("main", "m1", Submitter.http("bob"), clock.instant(), "too risky"));

        assertThat(types(drainEvents())).containsExactly("RejectedByApprover", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("p2");
    }

    @Test
    void patchOfAnotherDomainIsNotHeldByThisOnesWindow() {
        contract.set(parse(WINDOWS + """
                  ops:
                    workspace: ws/ops
                """));
        submit(patch("m1", "main", "a.txt", "1", Risk.MEDIUM));
        submit(patch("o1", "ops", "a.txt", "1", Risk.MEDIUM));

        assertThat(drainEvents()).filteredOn(e -> e.domain().equals("ops")).extracting(Event::type)
                .containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("o1");
    }
}
