package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.Remote;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.sshd.JGitKeyCache;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * ssh remotes: the worker authenticates with exactly the key the contract names and trusts exactly
 * the host keys in {@code var/secrets/known_hosts}. Nothing of the account's own {@code ~/.ssh}
 * (config, agent, default identities, known hosts) takes part, so what a worker may reach over ssh
 * is what the contract and patchbay's secrets say, on any machine it runs on.
 *
 * <p>An unknown host, or a host whose key differs from the one recorded, is refused: there is no
 * one to ask at night, and accepting a first key unseen is how a man in the middle gets the push.
 */
final class SshRemotes {

    /** The host keys a worker trusts, in OpenSSH's known_hosts format (hashed entries too). */
    static final Path KNOWN_HOSTS = Remote.SECRETS.resolve("known_hosts");

    /** One factory per home and credential source: it keeps parsed host keys; keys are read afresh per connection. */
    private static final Map<Source, SshdSessionFactory> FACTORIES = new ConcurrentHashMap<>();

    private record Source(Path home, Remote.Credentials credentials) {}

    private SshRemotes() {}

    /**
     * Gives an ssh transport the contract's key and patchbay's known hosts; other transports are
     * left as they are.
     *
     * @throws IOException a sentence saying what is missing: the known hosts file, or a usable key
     */
    static void configure(Transport transport, Remote remote, Path home, Function<String, String> env)
            throws IOException {
        if (!(transport instanceof SshTransport ssh)) {
            return;
        }
        Path knownHosts = home.resolve(KNOWN_HOSTS);
        if (!Files.isRegularFile(knownHosts)) {
            throw new IOException("the ssh remote " + remote.displayUrl() + " needs its host key in " + KNOWN_HOSTS
                    + " (patchbay trusts no host it has not been told of): add it with ssh-keyscan, e.g. "
                    + "ssh-keyscan -p PORT HOST >> " + KNOWN_HOSTS);
        }
        // Read now so that a missing or unusable key is said plainly before any connection is tried.
        keys(remote, home, env);
        Source source = new Source(home, remote.credentials());
        ssh.setSshSessionFactory(FACTORIES.computeIfAbsent(source, s -> build(s, remote, env)));
    }

    private static SshdSessionFactory build(Source source, Remote remote, Function<String, String> env) {
        Path secrets = source.home().resolve(Remote.SECRETS);
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(source.home().toFile())
                .setSshDirectory(secrets.toFile())
                // No ssh config file: host, port and user come from the url alone.
                .setConfigFile(dir -> null)
                .setDefaultKnownHostsFiles(dir -> List.of(source.home().resolve(KNOWN_HOSTS)))
                .setDefaultIdentities(dir -> List.of())
                .setDefaultKeysProvider(dir -> {
                    try {
                        return keys(remote, source.home(), env);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .setPreferredAuthentications("publickey")
                .build(new JGitKeyCache());
    }

    /** The key pairs the contract's credentials hold: a private key in OpenSSH or PEM form, without a passphrase. */
    static List<KeyPair> keys(Remote remote, Path home, Function<String, String> env) throws IOException {
        Remote.Credentials c = remote.credentials();
        if (c == null) {
            throw new IOException("the ssh remote " + remote.displayUrl() + " names no credentials: give it "
                    + "credentials: {file: var/secrets/NAME} holding a private key without a passphrase");
        }
        byte[] text = RemoteSync.secret(remote, home, env, "key");
        String where = c.env() != null ? "the environment variable " + c.env() : c.file();
        List<KeyPair> out = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(text)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(where), in,
                    FilePasswordProvider.EMPTY);
            if (pairs != null) {
                pairs.forEach(out::add);
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IOException(where + " holds no private key patchbay can use (an OpenSSH or PEM private key "
                    + "without a passphrase): " + e.getClass().getSimpleName(), null);
        }
        if (out.isEmpty()) {
            throw new IOException(where + " holds no private key (an OpenSSH or PEM private key without a passphrase)");
        }
        return out;
    }
}
