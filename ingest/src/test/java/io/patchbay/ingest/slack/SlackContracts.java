package io.patchbay.ingest.slack;

import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.nio.charset.StandardCharsets;

/** Execution contracts for the Slack tests: Slack permissions are said there and nowhere else. */
public final class SlackContracts {

    private SlackContracts() {}

    /**
     * main: channel C0MAIN routes to it, U0ALICE may submit, U0ALICE and U0BOB approve, alerts to
     * C0ALERTS. ops: everyone posting in C0MAIN may submit, U0BOB approves, no alert channel.
     */
    public static final String STANDARD = """
            version: "slack-test.1"
            routes:
              slackChannels: {C0MAIN: main}
            domains:
              main:
                workspace: var/workspaces/main
                submitters: {slackUsers: [U0ALICE]}
                risk: {approvers: ["slack:U0ALICE", "slack:U0BOB"], fourEyes: true}
                alerts: {slackChannel: C0ALERTS}
              ops:
                workspace: var/workspaces/ops
                submitters: {slackChannels: [C0MAIN]}
                risk: {approvers: ["slack:U0BOB"]}
            """;

    public static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "slack-test-contract.yml");
    }

    public static ExecutionContract standard() {
        return parse(STANDARD);
    }
}
