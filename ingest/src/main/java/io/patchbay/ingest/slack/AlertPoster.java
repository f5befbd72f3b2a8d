package io.patchbay.ingest.slack;

import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a domain's alert channel (the contract's {@code domains.<d>.alerts.slackChannel}) about its
 * alerts: SLA breaches and recoveries, stuck patches, drift. Alerts about the whole installation go
 * to every alert channel. The contract in force is asked for each alert, so a reload moves them at
 * once. Posting goes through the outbox, so a Slack outage never holds anything up.
 */
final class AlertPoster {

    private static final Logger log = LoggerFactory.getLogger(AlertPoster.class);

    private final SlackPermissions permissions;
    private final SlackOutbox outbox;

    AlertPoster(SlackPermissions permissions, SlackOutbox outbox) {
        this.permissions = permissions;
        this.outbox = outbox;
    }

    void on(Alert alert) {
        List<String> channels = Alerts.ALL_DOMAINS.equals(alert.domain())
                ? permissions.alertChannels()
                : permissions.alertChannel(alert.domain()).stream().toList();
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
