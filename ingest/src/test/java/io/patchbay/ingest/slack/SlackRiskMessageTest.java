package io.patchbay.ingest.slack;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.patch.Risk;
import org.junit.jupiter.api.Test;

/** The thread of a Slack patch hears the risk level the contract gave it, and why. */
class SlackRiskMessageTest {

    private static final SlackMessages.ApprovalRef REF = new SlackMessages.ApprovalRef("main", "p1");

    @Test
    void theVerdictReplyNamesTheLevelAndTheRuleThatSetIt() {
        String text = SlackMessages.forEvent(new EventBody.Accepted("2026.11.1", "abc", Risk.HIGH, "paths deploy/**"), REF)
                .text();
        assertThat(text).contains("Allowed by the execution contract (version 2026.11.1)")
                .contains("risk high, by the contract's rule 'paths deploy/**'");
    }

    @Test
    void aVerdictFromBeforeRiskRulesSaysNothingOfRisk() {
        String text = SlackMessages.forEvent(new EventBody.Accepted("2026.11.1", "abc"), REF).text();
        assertThat(text).isEqualTo(":white_check_mark: Allowed by the execution contract (version 2026.11.1).");
    }
}
