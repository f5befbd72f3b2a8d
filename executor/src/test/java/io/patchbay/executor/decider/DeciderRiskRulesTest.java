package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.policy.RiskAssessment;
import io.patchbay.contracts.work.WorkOrder;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract's risk rules in the decider: a patch that states no risk gets the level of what it
 * touches, and approvals and change windows follow that level. T0 is Monday 10:00 UTC.
 */
class DeciderRiskRulesTest extends DeciderTestBase {

    private static final String RULES = """
            version: "risk-rules-1"
            domains:
              main:
                workspace: ws/main
                risk:
                  approvers: ["http:alice", "http:bob"]
                  levels:
                    high: {approvals: 1}
                    medium:
                      windows: [{days: [mon-sun], from: "12:00", to: "13:00", zone: UTC}]
                  rules:
                    - {name: CI workflows, paths: [".github/**"], level: high}
                    - {paths: ["deploy/**"], level: medium}
            """;

    private static final Submitter BOB = Submitter.http("bob");

    @BeforeEach
    void rulesContract() {
        contract.set(parse(RULES));
    }

    private static EventBody.Accepted accepted(List<Event> es) {
        return es.stream().map(Event::body).filter(EventBody.Accepted.class::isInstance)
                .map(EventBody.Accepted.class::cast).findFirst().orElseThrow();
    }

    @Test
    void aPatchWithoutRiskTouchingAHighRiskPathWaitsForApproval() {
        submit(patch("ci", "main", ".github/workflows/build.yml", "on: push", null));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "AwaitingApproval");
        EventBody.Accepted accepted = accepted(es);
        assertThat(accepted.risk()).isEqualTo(Risk.HIGH);
        assertThat(accepted.riskRule()).isEqualTo("CI workflows");
        var waiting = (EventBody.AwaitingApproval) es.get(2).body();
        assertThat(waiting.approvalsNeeded()).isEqualTo(1);
        assertThat(waiting.reason()).contains("high-risk").contains("CI workflows");
        assertThat(work.isEmpty()).isTrue();

        send(new Command.Approve("main", "ci", BOB, clock.instant()));
        assertThat(types(drainEvents())).containsExactly("Approved", "Queued", "Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("ci");
        assertThat(HashChain.verify(allEvents)).isEmpty();
    }

    @Test
    void theSubmittersLowRiskDoesNotLowerTheLevelOfARule() {
        submit(patch("ci", "main", ".github/workflows/build.yml", "on: push", Risk.LOW));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "AwaitingApproval");
        assertThat(accepted(es).risk()).isEqualTo(Risk.HIGH);
    }

    @Test
    void aPatchThatMatchesNoRuleRunsAtOnceAndSaysWhy() {
        submit(patch("plain", "main", "src/a.txt", "1", null));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "Queued", "Dispatched");
        assertThat(accepted(es).risk()).isEqualTo(Risk.LOW);
        assertThat(accepted(es).riskRule()).isEqualTo(RiskAssessment.DEFAULT);
    }

    @Test
    void theChangeWindowIsThatOfTheLevelARuleSet() {
        submit(patch("d1", "main", "deploy/app.yml", "replicas: 3", null));

        List<Event> es = drainEvents();
        assertThat(types(es)).containsExactly("Submitted", "Accepted", "Queued", "HeldForWindow");
        assertThat(accepted(es).riskRule()).isEqualTo("paths deploy/**");
        var hold = (EventBody.HeldForWindow) es.get(3).body();
        assertThat(hold.reason()).contains("medium-risk").contains("paths deploy/**");
        assertThat(work.isEmpty()).isTrue();

        tick(Duration.ofHours(2));
        assertThat(types(drainEvents())).containsExactly("Dispatched");
        assertThat(work.readValuesToList()).extracting(WorkOrder::patchId).containsExactly("d1");
    }
}
