package io.patchbay.ingest.slack;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a domain's alert channel (slack.yml {@code domains.<d>.alertChannel}) about its alerts:
 * SLA breaches and recoveries, stuck patches, drift. Alerts about the whole installation go to
 * every alert channel. Posting goes through the outbox, so a Slack outage never holds anything up.
 */
final class AlertPoster {

    private static final Logger log = LoggerFactory.getLogger(AlertPoster.class);

    private final Map<String, SlackSettings.SlackDomain> domains;
    private final SlackOutbox outbox;

    AlertPoster(SlackSettings settings, SlackOutbox outbox) {
        this.domains = settings.domains();
        this.outbox = outbox;
    }

    /** Whether any domain names an alert channel; without one there is nothing to post. */
    boolean hasChannels() {
        return domains.values().stream().anyMatch(d -> d.alertChannel() != null);
    }

    void on(Alert alert) {
        List<String> channels = Alerts.ALL_DOMAINS.equals(alert.domain())
                ? domains.values().stream().map(SlackSettings.SlackDomain::alertChannel)
                        .filter(c -> c != null).distinct().toList()
                : java.util.Optional.ofNullable(domains.get(alert.domain()))
                        .map(SlackSettings.SlackDomain::alertChannel).stream().toList();
        for (String channel : channels) {
            if (!outbox.offer(SlackOutbox.Message.post(channel, null, text(alert), null))) {
                log.warn("the Slack outbox is full; the {} alert for {} is not posted", alert.kind(), alert.domain());
            }
        }
    }

    static String text(Alert a) {
        String icon = switch (a.kind()) {
            case Alerts.SLA_RECOVERED -> ":white_check_mark:";
            case Alerts.SLA_BREACHED, Alerts.STUCK -> ":rotating_light:";
            default -> ":warning:";
        };
        // Escaped: a drift alert names files of the tree, which anyone who can edit it names, and a
        // name such as <!channel> would otherwise notify the whole channel.
        var b = new StringBuilder(icon).append(" *").append(a.kind()).append("* in `").append(a.domain()).append("`: ")
                .append(SlackMessages.esc(a.message()));
        if (a.limit() != null) {
            b.append("\nlimit ").append(a.limit()).append(", now ").append(a.value());
        }
        if (a.patchIds() != null && !a.patchIds().isEmpty()) {
            b.append("\npatches: ").append(String.join(", ", a.patchIds().stream().map(id -> "`" + id + "`").toList()));
        }
        return b.toString();
    }
}
