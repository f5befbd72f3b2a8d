package io.patchbay.ingest.slack;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * When and where the daily digest is posted: every day at {@code hour}:00 in {@code zone}, to
 * {@code channel}. Without one (the default) no digest is posted. In {@code var/secrets/slack.yml}:
 *
 * <pre>
 * digest: {channel: C0OPS, hour: 8, zone: Europe/Berlin}
 * </pre>
 */
public record DigestSchedule(String channel, int hour, ZoneId zone) {

    public DigestSchedule {
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("the digest needs a Slack channel id to be posted to");
        }
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("the digest hour is between 0 and 23, not " + hour);
        }
        channel = channel.strip();
        zone = zone == null ? ZoneOffset.UTC : zone;
    }

    /** The first posting time strictly after {@code now}. */
    public Instant nextAfter(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime candidate = local.toLocalDate().atTime(hour, 0).atZone(zone);
        if (!candidate.toInstant().isAfter(now)) {
            candidate = local.toLocalDate().plusDays(1).atTime(hour, 0).atZone(zone);
        }
        return candidate.toInstant();
    }
}
