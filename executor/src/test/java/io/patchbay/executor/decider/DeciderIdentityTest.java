package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.work.WorkOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Approvals and four eyes compare people: the contract's identities join a person's token and Slack account. */
class DeciderIdentityTest extends DeciderTestBase {

    private static final String IDENTITIES = """
            version: "identities-1"
            identities:
              alice: ["http:alice-ci", "slack:U0ALICE"]
              bob: ["http:lead", "slack:U0BOB"]
            domains:
              main:
                workspace: ws/main
                risk:
                  approvers: [alice, bob, "http:carol"]
                  fourEyes: true
                  levels:
                    high: {approvals: 1}
                    critical: {approvals: 2}
            """;

    private static final Submitter ALICE_CI = Submitter.http("alice-ci");
    private static final Submitter ALICE_SLACK = Submitter.slack("U0ALICE", "C0MAIN");
    private static final Submitter BOB_HTTP = Submitter.http("lead");
    private static final Submitter BOB_SLACK = Submitter.slack("U0BOB", "C0OTHER");
    private static final Submitter CAROL = Submitter.http("carol");

    @BeforeEach
    void identityContract() {
        contract.set(parse(IDENTITIES));
    }

    private void approve(String id, Submitter by) {
        send(new Command.Approve("main", id, by, clock.instant()));
    }

    private static String refusal(Event e) {
        return ((EventBody.CommandRefused) e.body()).reason();
    }

    @Test
    void dispatchedOrderCarriesItsSubmitterForTheCommitAuthor() {
        submit(patch("a1", "main", "a.txt", "1"), ALICE_CI);

        assertThat(work.readValuesToList()).singleElement()
                .satisfies(o -> assertThat(o.submitter()).isEqualTo(ALICE_CI));
    }

    @Test
    void submitterApprovingFromAnotherChannelUnderTheSameIdentityDoesNotCount() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH), ALICE_CI);
        drainEvents();

        approve("h1", ALICE_SLACK);

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("slack:U0ALICE").contains("(alice)").contains("as http:alice-ci")
                .contains("four eyes");
        assertThat(work.isEmpty()).isTrue();

        approve("h1", BOB_SLACK);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("h1");
    }

    @Test
    void twoApprovalsByOneIdentityFromTwoChannelsCountOnce() {
        submit(patch("c1", "main", "a.txt", "1", Risk.CRITICAL), CAROL);
        drainEvents();

        approve("c1", BOB_HTTP);
        assertThat(types(drainEvents())).containsExactly("Approved", "AwaitingApproval");

        approve("c1", BOB_SLACK);
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("bob (slack:U0BOB) already approved").contains("as http:lead")
                .contains("1 of 2");
        assertThat(work.isEmpty()).isTrue();

        approve("c1", ALICE_SLACK);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void aCredentialListedNowhereIsItsOwnPersonAndNeedsToBeAnApprover() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH), ALICE_CI);
        drainEvents();

        approve("h1", Submitter.slack("U0MALLORY", "C0MAIN"));
        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("CommandRefused");
        assertThat(refusal(es.get(0))).contains("slack:U0MALLORY").contains("not among the domain's approvers");

        approve("h1", CAROL);
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
    }

    @Test
    void anApproverNamedAsAPersonMayRejectFromAnyOfTheirChannels() {
        submit(patch("h1", "main", "a.txt", "1", Risk.HIGH), CAROL);
        drainEvents();

        send(new Command.Reject("main", "h1", BOB_SLACK, clock.instant(), "not before the backup"));

        assertThat(types(drainEvents())).containsExactly("RejectedByApprover");
        assertThat(work.isEmpty()).isTrue();
    }
}
