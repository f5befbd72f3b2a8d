package io.patchbay.contracts.command;

/**
 * Who submitted or acted: the channel ({@code http}, {@code spool}, {@code slack}, {@code cli}),
 * the identity on that channel (a token name, the spool folder, a Slack user id), and where on it
 * they spoke ({@code via}: the Slack channel id; null elsewhere), so that the contract can allow
 * a whole Slack channel.
 */
public record Submitter(String channel, String id, String via) {

    public Submitter(String channel, String id) {
        this(channel, id, null);
    }

    public static Submitter slack(String user, String slackChannel) {
        return new Submitter("slack", user, slackChannel);
    }

    public static Submitter http(String tokenName) {
        return new Submitter("http", tokenName);
    }

    public static Submitter spool(String domain) {
        return new Submitter("spool", domain);
    }

    @Override
    public String toString() {
        return channel + ":" + id;
    }
}
