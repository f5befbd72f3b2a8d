package io.patchbay.executor.worker;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.Identities;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who a patch's commit names as its author, so that {@code git log} and {@code git blame} on a
 * domain say who asked for a change (patchbay stays the committer). In order:
 * <ol>
 *   <li>the person the patch names itself: its {@code author}, or the {@code From:} header of a
 *       {@code git format-patch} / mbox diff, as {@code git am} would take it;</li>
 *   <li>the submitter as the contract's {@code identities} name them: {@code alice <alice@patchbay.invalid>};</li>
 *   <li>the submitter's credential: {@code slack:U0BAR <U0BAR@slack.invalid>},
 *       {@code http:ci-bot <ci-bot@http.invalid>}, {@code spool:main <main@spool.invalid>}.</li>
 * </ol>
 * Addresses patchbay makes up end in {@code .invalid}, the top-level domain RFC 2606 reserves for
 * names that can never resolve: they cannot reach or impersonate a real mailbox, they are stable
 * per person or credential (so {@code git shortlog} groups them), and a {@code .mailmap} in the
 * domain can map them to real addresses. A name like {@code U0BAR@slack.patchbay} would look like a
 * real domain someone could register.
 */
final class CommitAuthor {

    private static final Pattern PERSON = Pattern.compile("^\\s*(.*?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*$");
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");
    private static final Pattern UNSAFE_LOCAL = Pattern.compile("[^A-Za-z0-9._+-]+");
    private static final Pattern UNSAFE_NAME = Pattern.compile("[<>\\r\\n\\x00]+");

    /** A name and address for a commit; {@code null} from {@link #of} means patchbay itself. */
    record Person(String name, String email) {}

    private CommitAuthor() {}

    /** The author of the patch's commit, or null when nobody is known (then patchbay authors it). */
    static Person of(Patch patch, Submitter submitter, Identities identities) {
        Person own = parse(patch == null ? null : patch.author());
        if (own == null && patch != null && patch.diff() != null) {
            own = parse(mailFrom(patch.diff().bytes()));
        }
        if (own != null) {
            return own;
        }
        if (submitter == null || submitter.channel() == null || submitter.id() == null) {
            return null;
        }
        String credential = submitter.channel() + ":" + submitter.id();
        String person = identities == null ? credential : identities.personOf(submitter);
        if (person != null && !person.equals(credential)) {
            return new Person(clean(person), local(person) + "@patchbay.invalid");
        }
        return new Person(clean(credential), local(submitter.id()) + "@" + local(submitter.channel()) + ".invalid");
    }

    /** {@code Name <address>}, with RFC 2047 encoded words decoded; null when it is not that shape. */
    static Person parse(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = PERSON.matcher(decodeWords(header));
        if (!m.matches()) {
            return null;
        }
        String name = clean(unquote(m.group(1)));
        return name.isEmpty() ? null : new Person(name, m.group(2));
    }

    /**
     * The {@code From:} header of a mail-formatted diff: the lines before its first file header.
     * A plain diff has none.
     */
    static String mailFrom(byte[] diff) {
        String text = new String(diff, 0, Math.min(diff.length, 64 * 1024), StandardCharsets.UTF_8);
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("diff --git ") || line.startsWith("--- ") || line.startsWith("Index: ")) {
                return null;
            }
            if (line.startsWith("From:")) {
                return line.substring("From:".length()).strip();
            }
        }
        return null;
    }

    /** RFC 2047 words such as {@code =?UTF-8?q?J=C3=B6rg?=}, which {@code git format-patch} writes for non-ASCII names. */
    private static String decodeWords(String s) {
        Matcher m = ENCODED_WORD.matcher(s);
        var out = new StringBuilder();
        int at = 0;
        while (m.find()) {
            String between = s.substring(at, m.start());
            // Whitespace between two encoded words is not part of the text (RFC 2047, section 6.2).
            if (at == 0 || !between.isBlank()) {
                out.append(between);
            }
            out.append(decodeWord(m.group(1), m.group(2), m.group(3), m.group()));
            at = m.end();
        }
        return out.append(s.substring(at)).toString();
    }

    private static String decodeWord(String charset, String encoding, String text, String raw) {
        try {
            Charset cs = Charset.forName(charset);
            if (encoding.equalsIgnoreCase("b")) {
                return new String(Base64.getDecoder().decode(text), cs);
            }
            var bytes = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '_') {
                    bytes.write(' ');
                } else if (c == '=' && i + 2 < text.length()) {
                    bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            return bytes.toString(cs);
        } catch (RuntimeException e) {
            // An unknown charset or a broken word stays as it was written: still a name, if an odd one.
            return raw;
        }
    }

    private static String unquote(String name) {
        String n = name.strip();
        return n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"") ? n.substring(1, n.length() - 1) : n;
    }

    private static String clean(String name) {
        return UNSAFE_NAME.matcher(name).replaceAll(" ").strip();
    }

    private static String local(String s) {
        String l = UNSAFE_LOCAL.matcher(s).replaceAll("-");
        l = l.replaceAll("^[.-]+|[.-]+$", "");
        return l.isEmpty() ? "unknown" : l;
    }
}
