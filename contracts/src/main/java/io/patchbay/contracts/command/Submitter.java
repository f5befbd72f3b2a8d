package io.patchbay.contracts.command;

/**
 * Who submitted or acted: the channel ({@code http}, {@code spool}, {@code slack}, {@code cli})
 * and the identity on that channel (a token name, the spool folder, a Slack user id).
 */
public record Submitter(String channel, String id) {

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
