package io.patchbay.ingest.slack;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code domains:} section slack.yml once had, read only to refuse it with the contract
 * entries that say the same. It is refused rather than still obeyed: two places granting Slack
 * permissions could disagree (the contract would refuse what slack.yml let through, or the other
 * way round), and a contract edit must be the one change that takes effect in Slack.
 */
final class LegacySlackDomains {

    private LegacySlackDomains() {}

    record Submitters(List<String> users, List<String> channels) {}

    record Domain(List<String> channels, Submitters submitters, List<String> approvers, Boolean fourEyes,
            String alertChannel) {}

    /** A sentence that names each contract key to use, and the entries to paste, for these domains. */
    static String refusal(Map<String, Domain> domains) {
        var b = new StringBuilder("'domains' is no longer read from the Slack configuration: who may submit and approve"
                + " from Slack, which channel means which domain and where alerts go are said once, in the execution"
                + " contract (contracts/sot/execution-contract.yml). Remove 'domains' from this file and put this in the"
                + " contract (channels -> routes.slackChannels, submitters.users -> submitters.slackUsers,"
                + " submitters.channels -> submitters.slackChannels, approvers -> risk.approvers as slack:<user id>,"
                + " fourEyes -> risk.fourEyes, alertChannel -> alerts.slackChannel):\n");
        var routes = new TreeMap<String, String>();
        new TreeMap<>(domains).forEach((name, d) -> {
            if (d != null && d.channels() != null) {
                d.channels().forEach(c -> routes.put(c, name));
            }
        });
        if (!routes.isEmpty()) {
            b.append("routes:\n  slackChannels: {");
            b.append(String.join(", ", routes.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
            b.append("}\n");
        }
        b.append("domains:\n");
        new TreeMap<>(domains).forEach((name, d) -> {
            b.append("  ").append(name).append(":\n");
            if (d == null) {
                return;
            }
            Submitters s = d.submitters();
            if (s != null && (s.users() != null || s.channels() != null)) {
                b.append("    submitters:\n");
                if (s.users() != null) {
                    b.append("      slackUsers: ").append(s.users()).append('\n');
                }
                if (s.channels() != null) {
                    b.append("      slackChannels: ").append(s.channels()).append('\n');
                }
            }
            if (d.approvers() != null || d.fourEyes() != null) {
                b.append("    risk:\n");
                if (d.approvers() != null) {
                    // A bare Slack user id in slack.yml is slack:<id> in the contract; a person's name stays as it is.
                    b.append("      approvers: ").append(d.approvers().stream()
                            .map(a -> a.matches("[UW][A-Z0-9]{2,}") ? "slack:" + a : a).toList()).append('\n');
                }
                if (d.fourEyes() != null) {
                    b.append("      fourEyes: ").append(d.fourEyes()).append('\n');
                }
            }
            if (d.alertChannel() != null) {
                b.append("    alerts: {slackChannel: ").append(d.alertChannel()).append("}\n");
            }
        });
        return b.toString().stripTrailing();
    }
}
