package io.patchbay.ingest.slack;

import java.time.Instant;

/**
 * What the shared topic holds under a Slack delivery's key: which instance took it, and when. The
 * first one written is the one that acts; every other instance leaves the delivery alone.
 *
 * @param instance the taking instance's id, new at each start of its Slack channel
 */
public record SlackDeliveryClaim(String instance, Instant at) {}
