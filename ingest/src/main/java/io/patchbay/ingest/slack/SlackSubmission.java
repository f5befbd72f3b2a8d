package io.patchbay.ingest.slack;

import java.util.List;

/**
 * One thing someone asked of patchbay in Slack, as much as is needed to do it after Slack has been
 * acknowledged, or again after a restart.
 *
 * @param kind where it came from
 * @param team the Slack workspace
 * @param threadTs the message to answer in the thread of; null for a slash command, which gets a
 *     message of its own to thread under
 * @param text the message or command text, Slack-escaped as received
 * @param fileIds uploaded files to read the patch from
 * @param responseUrl where a slash command is answered privately; else null
 */
record SlackSubmission(Kind kind, String team, String channel, String user, String threadTs, String text,
        List<String> fileIds, String responseUrl) {

    enum Kind { MESSAGE, FILE, COMMAND }

    SlackSubmission {
        fileIds = fileIds == null ? List.of() : List.copyOf(fileIds);
        text = text == null ? "" : text;
    }
}
