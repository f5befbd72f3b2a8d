package io.patchbay.ingest.slack;

import io.patchbay.contracts.patch.PatchReader.Format;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a patch out of what people type in Slack: a code block (optionally led by a
 * {@code diff}/{@code json}/{@code yaml} hint) in Slack's escaped message markup, and a domain named
 * in the text around it ({@code domain: main}).
 */
final class SlackText {

    /** A patch body and the form it is in. */
    record Snippet(String body, Format format) {}

    private static final Pattern FENCE = Pattern.compile("```(.*?)```", Pattern.DOTALL);
    private static final Pattern DOMAIN = Pattern.compile("(?i)\\bdomain\\s*[:=]\\s*([A-Za-z0-9][A-Za-z0-9._-]*)");
    private static final Pattern LABELLED_LINK = Pattern.compile("<(?:https?://|mailto:)[^|>]*\\|([^>]*)>");
    private static final Pattern BARE_LINK = Pattern.compile("<((?:https?://|mailto:)[^>]*)>");
    private static final Pattern DIFF_START = Pattern.compile("(?m)^(diff --git |--- \\S|Index: |From [0-9a-f]{7,} )");

    private SlackText() {}

    /**
     * Slack escapes {@code & < >} in message text and wraps links it detects in angle brackets;
     * undone here so that a diff reads as typed.
     */
    static String unescape(String text) {
        if (text == null) {
            return "";
        }
        String t = LABELLED_LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        t = BARE_LINK.matcher(t).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        return t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The first code block of (unescaped) text, or empty when there is none. */
    static Optional<Snippet> codeBlock(String text) {
        Matcher m = FENCE.matcher(text);
        if (!m.find()) {
            return Optional.empty();
        }
        String block = m.group(1);
        String hint = null;
        int newline = block.indexOf('\n');
        if (newline > 0) {
            String first = block.substring(0, newline).trim().toLowerCase(Locale.ROOT);
            if (first.matches("diff|patch|json|yaml|yml")) {
                hint = first;
                block = block.substring(newline + 1);
            }
        } else if (newline == 0) {
            block = block.substring(1);
        }
        return Optional.of(new Snippet(block.endsWith("\n") ? block : block + "\n", formatOf(block, hint)));
    }

    /** The body as given, when it is not fenced (a raw diff after {@code /patch main}). */
    static Snippet bare(String body) {
        String b = body.strip() + "\n";
        return new Snippet(b, formatOf(b, null));
    }

    static Format formatOf(String body, String hint) {
        if (hint != null) {
            return switch (hint) {
                case "json" -> Format.JSON;
                case "yaml", "yml" -> Format.YAML;
                default -> Format.DIFF;
            };
        }
        String b = body.stripLeading();
        if (b.startsWith("{")) {
            return Format.JSON;
        }
        return DIFF_START.matcher(body).find() ? Format.DIFF : Format.YAML;
    }

    /** A domain named in the text outside its code blocks ({@code domain: main}), or null. */
    static String domainIn(String text) {
        Matcher m = DOMAIN.matcher(FENCE.matcher(text).replaceAll(" "));
        return m.find() ? m.group(1) : null;
    }
}
