package io.patchbay.contracts.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The git remote a domain's working tree is a clone of: fetched before every patch, pushed to after
 * every commit, never forced. The secret that {@code credentials} names is read only when git talks
 * to the remote; it is never logged and never in an event, and {@link #displayUrl()} is the only form
 * of the url that leaves the worker.
 *
 * @param url         https, http, ssh, git or file url of the repository
 * @param branch      the branch patches land on; {@code main} by default
 * @param credentials where the secret comes from, or null for a remote that needs none
 */
public record Remote(String url, String branch, Credentials credentials) {

    static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");

    /** Where secrets live, relative to patchbay's home; a file credential must stay under it. */
    public static final Path SECRETS = Path.of("var", "secrets");

    public Remote {
        branch = branch == null ? "main" : branch.strip();
        url = url == null ? null : url.strip();
    }

    /**
     * Exactly one source: an environment variable ({@code env}) or a file under {@code var/secrets}
     * ({@code file}). The secret is {@code user:password}, or a token, which is sent as the password.
     */
    public record Credentials(String env, String file) {}

    /** The url without its user information (where a password or token may sit): the one shown anywhere. */
    @JsonIgnore
    public String displayUrl() {
        return withoutUserInfo(url);
    }

    /** The branch's full ref name. */
    @JsonIgnore
    public String ref() {
        return "refs/heads/" + branch;
    }

    /** What is wrong with the remote, as a sentence a person can act on; empty when it is usable. */
    public Optional<String> problem() {
        if (url == null || url.isBlank()) {
            return Optional.of("a remote needs a url, such as https://git.example.com/team/app.git");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("the remote url '" + displayUrl() + "' is not a url: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            return Optional.of("the remote url '" + displayUrl() + "' has scheme '" + scheme
                    + "'; patchbay talks to https, http, ssh, git and file remotes");
        }
        if (!scheme.equals("file") && (uri.getHost() == null || uri.getHost().isBlank())) {
            return Optional.of("the remote url '" + displayUrl() + "' names no host");
        }
        if (uri.getPath() == null || uri.getPath().isBlank() || uri.getPath().equals("/")) {
            return Optional.of("the remote url '" + displayUrl() + "' names no repository path");
        }
        Optional<String> branchProblem = branchProblem(branch);
        if (branchProblem.isPresent()) {
            return branchProblem;
        }
        if (scheme.equals("ssh") && credentials == null) {
            return Optional.of("the ssh remote '" + displayUrl() + "' needs credentials: {file: var/secrets/NAME}, "
                    + "a private key without a passphrase (its host key goes in var/secrets/known_hosts)");
        }
        return credentialsProblem();
    }

    private Optional<String> credentialsProblem() {
        if (credentials == null) {
            return Optional.empty();
        }
        boolean env = credentials.env() != null;
        boolean file = credentials.file() != null;
        if (env == file) {
            return Optional.of("remote credentials name exactly one source: env: NAME or file: var/secrets/…");
        }
        if (file) {
            try {
                Path p = Path.of(credentials.file().strip()).normalize();
                if (p.isAbsolute() || !p.startsWith(SECRETS) || p.equals(SECRETS)) {
                    return Optional.of("the remote credentials file '" + credentials.file()
                            + "' must be a file under var/secrets, relative to patchbay's home");
                }
            } catch (InvalidPathException e) {
                return Optional.of("the remote credentials file '" + credentials.file() + "' is not a path");
            }
        }
        return Optional.empty();
    }

    /** Git's rules for a branch name ({@code git check-ref-format --branch}), each with its reason. */
    static Optional<String> branchProblem(String branch) {
        String why = null;
        if (branch.isEmpty()) {
            why = "it is empty";
        } else if (branch.startsWith("/") || branch.endsWith("/") || branch.contains("//")) {
            why = "it starts or ends with '/' or has '//'";
        } else if (branch.startsWith("-")) {
            why = "it starts with '-'";
        } else if (branch.contains("..") || branch.contains("@{") || branch.equals("@")) {
            why = "it contains '..' or '@{'";
        } else if (branch.endsWith(".") || branch.endsWith(".lock") || branch.contains("/.") || branch.startsWith(".")) {
            why = "a part of it starts with '.' or it ends with '.' or '.lock'";
        } else {
            for (char ch : branch.toCharArray()) {
                if (ch <= ' ' || ch == 0x7f || "~^:?*[\\".indexOf(ch) >= 0) {
                    why = "it contains '" + (ch <= ' ' ? "a space or control character" : String.valueOf(ch)) + "'";
                    break;
                }
            }
        }
        return why == null ? Optional.empty()
                : Optional.of("'" + branch + "' is not a git branch name (" + why + "); use a name such as main");
    }

    /** {@code https://user:token@host/x} as {@code https://host/x}; a string that is no url comes back unchanged. */
    public static String withoutUserInfo(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int start = scheme + 3;
        int slash = url.indexOf('/', start);
        int end = slash < 0 ? url.length() : slash;
        int at = url.lastIndexOf('@', end - 1);
        return at >= start ? url.substring(0, start) + url.substring(at + 1) : url;
    }

    @Override
    public String toString() {
        // A record's own toString would print the url with its user information.
        return "Remote[" + displayUrl() + " " + branch + (credentials == null ? "" : " with credentials") + "]";
    }
}
