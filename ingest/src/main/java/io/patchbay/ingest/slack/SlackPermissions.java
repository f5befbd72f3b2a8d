package io.patchbay.ingest.slack;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Identities;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What Slack may do, as the execution contract in force says it: which domain a channel means
 * ({@code routes.slackChannels}), who may submit ({@code submitters.slackUsers},
 * {@code submitters.slackChannels}), who may approve ({@code risk.approvers}, {@code risk.fourEyes},
 * people compared by {@code identities}) and where alerts go ({@code alerts.slackChannel}). The
 * contract is asked at every use, so a reload takes effect in Slack at once. The decider checks the
 * same contract again; these early answers only spare a person a round trip through Kafka.
 */
final class SlackPermissions {

    /** Why a Slack user may not submit to a domain; null when they may. */
    enum SubmitRefusal { UNKNOWN_DOMAIN, NO_SLACK_SUBMITTERS, NOT_A_SUBMITTER }

    private final Supplier<ExecutionContract> contract;

    SlackPermissions(Supplier<ExecutionContract> contract) {
        this.contract = contract;
    }

    Optional<String> domainOfChannel(String channel) {
        return contract.get().domainOfSlackChannel(channel);
    }

    /** Null when {@code user} posting in {@code channel} may submit to {@code domain}, as the decider judges. */
    SubmitRefusal submitRefusal(String domain, String user, String channel) {
        Optional<DomainPolicy> policy = contract.get().domain(domain);
        if (policy.isEmpty()) {
            return SubmitRefusal.UNKNOWN_DOMAIN;
        }
        DomainPolicy.Submitters s = policy.get().submitters();
        if (s.slackUsers().isEmpty() && s.slackChannels().isEmpty()) {
            return SubmitRefusal.NO_SLACK_SUBMITTERS;
        }
        return s.slackUsers().contains(user) || s.slackChannels().contains(channel) ? null : SubmitRefusal.NOT_A_SUBMITTER;
    }

    Identities people() {
        return contract.get().people();
    }

    /** Whether the domain's {@code risk.approvers} name this Slack user (as {@code slack:<id>}, their person, or "*"). */
    boolean listsApprover(String domain, String user) {
        return contract.get().domain(domain)
                .map(p -> p.risk().listsApprover(people(), Submitter.slack(user, null)))
                .orElse(false);
    }

    boolean fourEyes(String domain) {
        return contract.get().domain(domain).map(p -> p.risk().fourEyes()).orElse(true);
    }

    /** The alert channel of one domain, if the contract names one. */
    Optional<String> alertChannel(String domain) {
        return contract.get().domain(domain).map(p -> p.alerts().slackChannel());
    }

    /** Every alert channel the contract names, once each. */
    List<String> alertChannels() {
        return contract.get().domains().values().stream().map(p -> p.alerts().slackChannel())
                .filter(c -> c != null).distinct().toList();
    }
}
