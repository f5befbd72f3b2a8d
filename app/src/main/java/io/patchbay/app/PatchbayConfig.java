package io.patchbay.app;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Everything {@code patchbay up} needs, read and checked once.
 *
 * @param home the folder that holds {@code var/} and that contract workspace paths are relative to
 * @param host the address the HTTP server binds; other instances of a cluster are told this address
 *     (a host name for 0.0.0.0) and the port, unless {@code PATCHBAY_ADVERTISED_URL} says otherwise
 * @param httpPort inbox, read API and health (0 picks a free port)
 * @param kafkaPort the embedded broker's port (0 picks a free port); unused with an external cluster
 * @param externalBootstrap an external Kafka cluster; null runs the embedded broker
 * @param contractFile the execution contract; null uses {@code contracts/sot/execution-contract.yml}
 *     under home when present, else the one shipped on the class path
 * @param partitions partitions per topic; domains spread over them
 * @param replicationFactor replicas per topic (1 for the embedded broker)
 * @param roles the services this process runs
 */
public record PatchbayConfig(
        Path home,
        String host,
        int httpPort,
        int kafkaPort,
        String externalBootstrap,
        Path contractFile,
        int partitions,
        short replicationFactor,
        Set<Role> roles) {

    public PatchbayConfig(Path home, String host, int httpPort, int kafkaPort, String externalBootstrap,
            Path contractFile, int partitions, short replicationFactor) {
        this(home, host, httpPort, kafkaPort, externalBootstrap, contractFile, partitions, replicationFactor,
                EnumSet.allOf(Role.class));
    }

    public PatchbayConfig {
        roles = roles == null || roles.isEmpty() ? EnumSet.allOf(Role.class) : EnumSet.copyOf(roles);
        home = home.toAbsolutePath().normalize();
        if (httpPort < 0 || httpPort > 65535 || kafkaPort < 0 || kafkaPort > 65535) {
            throw new IllegalArgumentException("ports are between 0 and 65535");
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replication factor are at least 1");
        }
        if (externalBootstrap != null && externalBootstrap.isBlank()) {
            externalBootstrap = null;
        }
    }

    public boolean runs(Role role) {
        return roles.contains(role);
    }

    public Path var() {
        return home.resolve("var");
    }

    public boolean embeddedKafka() {
        return externalBootstrap == null;
    }

    /** Defaults for a local run: embedded broker, port 8080, everything under {@code home/var}. */
    public static PatchbayConfig local(Path home) {
        return new PatchbayConfig(home, "127.0.0.1", 8080, 9092, null, null, 3, (short) 1);
    }

    public PatchbayConfig withPorts(int http, int kafka) {
        return new PatchbayConfig(home, host, http, kafka, externalBootstrap, contractFile, partitions, replicationFactor,
                roles);
    }
}
