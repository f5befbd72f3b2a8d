package io.patchbay.ingest.slack;

import io.patchbay.contracts.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Request bodies in the shapes Slack documents for the Events API and slash commands. */
public final class SlackPayloads {

    public static final String TEAM = "T1";
    public static final String APP = "A1";

    private SlackPayloads() {}

    /** An Events API {@code event_callback} envelope around {@code event}. */
    public static String eventCallback(String eventId, Map<String, Object> event) {
        var envelope = new LinkedHashMap<String, Object>();
        envelope.put("token", "legacy-verification-token");
        envelope.put("team_id", TEAM);
        envelope.put("api_app_id", APP);
        envelope.put("event", event);
        envelope.put("type", "event_callback");
        envelope.put("event_id", eventId);
        envelope.put("event_time", 1_700_000_000);
        return Json.canonical(envelope);
    }

    /** A {@code message} event posted by {@code user} at the top level of {@code channel}. */
    public static Map<String, Object> message(String user, String channel, String ts, String text) {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", "message");
        m.put("channel", channel);
        m.put("user", user);
        m.put("text", text);
        m.put("ts", ts);
        m.put("event_ts", ts);
        m.put("channel_type", "channel");
        return m;
    }

    /** The form body of a {@code /patch} slash command. */
    public static String slashCommand(String user, String channel, String text, String responseUrl, String triggerId) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("token", "legacy-verification-token");
        fields.put("team_id", TEAM);
        fields.put("team_domain", "patchbay-test");
        fields.put("channel_id", channel);
        fields.put("channel_name", "main");
        fields.put("user_id", user);
        fields.put("user_name", user.toLowerCase());
        fields.put("command", SlackService.COMMAND);
        fields.put("text", text);
        fields.put("api_app_id", APP);
        fields.put("response_url", responseUrl);
        fields.put("trigger_id", triggerId);
        return form(fields);
    }

    /** A fenced code block as Slack delivers it: with {@code & < >} escaped. */
    public static String codeBlock(String text) {
        return "```" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "```";
    }

    public static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
