package io.patchbay.ingest.slack;

import com.slack.api.model.block.LayoutBlock;
import java.util.List;

/** The few Slack Web API calls patchbay makes, as the bot. */
interface SlackApi {

    /** {@code auth.test}: whether Slack answers and takes the bot token; says whom it is for. */
    String checkAuth() throws SlackCallException;

    /** {@code chat.postMessage}; returns the new message's ts. */
    String post(String channel, String threadTs, String text, List<LayoutBlock> blocks) throws SlackCallException;

    /** {@code chat.update}. */
    void update(String channel, String ts, String text, List<LayoutBlock> blocks) throws SlackCallException;

    /** {@code chat.postEphemeral}: seen only by {@code user}. */
    void ephemeral(String channel, String user, String threadTs, String text) throws SlackCallException;

    /** Answers a slash command or button privately through its {@code response_url}. */
    void respond(String responseUrl, String text) throws SlackCallException;

    /** An uploaded file's name and where to fetch it, from {@code files.info}. */
    record FileInfo(String id, String name, long size, String url, String sharedTs) {}

    /** @param channel where the file was shared, to find the message it was shared with */
    FileInfo fileInfo(String fileId, String channel) throws SlackCallException;

    /** The file's bytes, fetched with the bot token; refuses more than {@code maxBytes}. */
    byte[] download(FileInfo file, long maxBytes) throws SlackCallException;
}
