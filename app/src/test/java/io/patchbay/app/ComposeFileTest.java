package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker/compose.yml} cannot be started where there is no Docker engine, so it is held
 * against what patchbay and Kafka read: the brokers form one quorum, the instances name every broker
 * and only variables patchbay reads, and the contract they mount loads and names remotes on the
 * compose network.
 */
class ComposeFileTest {

    private static final Path DOCKER = Path.of("..", "docker");
    private static final Pattern PATCHBAY_VARIABLE = Pattern.compile("\"(PATCHBAY_[A-Z0-9_]+)\"");

    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        services = new YAMLMapper().readTree(DOCKER.resolve("compose.yml").toFile()).path("services");
    }

    private static List<String> named(String prefix) {
        var out = new ArrayList<String>();
        services.fieldNames().forEachRemaining(n -> {
            if (n.startsWith(prefix)) {
                out.add(n);
            }
        });
        return out;
    }

    private static Map<String, String> env(String service) {
        var out = new LinkedHashMap<String, String>();
        services.path(service).path("environment").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Test
    void describesThreeBrokersTwoInstancesAndAGitServer() {
        assertThat(named("kafka-")).containsExactly("kafka-1", "kafka-2", "kafka-3");
        assertThat(named("patchbay-")).containsExactly("patchbay-1", "patchbay-2");
        assertThat(services.has("git-server")).isTrue();
        for (String broker : named("kafka-")) {
            assertThat(services.path(broker).path("image").asText()).startsWith("apache/kafka:");
        }
    }

    @Test
    void theBrokersFormOneQuorumAndKeepEveryWriteOnTwoOfThree() {
        Set<String> voters = new TreeSet<>();
        for (String broker : named("kafka-")) {
            Map<String, String> env = env(broker);
            voters.add(env.get("KAFKA_NODE_ID") + "@" + broker + ":9093");
            assertThat(env.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + broker + ":9092");
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo("2");
            assertThat(env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo("2");
            assertThat(env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR")).isEqualTo("3");
            assertThat(env.get("CLUSTER_ID")).isEqualTo(env("kafka-1").get("CLUSTER_ID"));
        }
        for (String broker : named("kafka-")) {
            assertThat(new TreeSet<>(List.of(env(broker).get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(","))))
                    .as("quorum of %s", broker).isEqualTo(voters);
        }
    }

    @Test
    void instancesNameEveryBrokerAndOnlyVariablesPatchbayReads() throws IOException {
        Set<String> read = variablesPatchbayReads();
        Set<String> ports = new TreeSet<>();
        for (String instance : named("patchbay-")) {
            Map<String, String> env = env(instance);
            assertThat(read).as("variables patchbay reads").containsAll(env.keySet());
            assertThat(env.get("PATCHBAY_KAFKA_BOOTSTRAP").split(","))
                    .containsExactlyInAnyOrder(named("kafka-").stream().map(b -> b + ":9092").toArray(String[]::new));
            assertThat(Integer.parseInt(env.get("PATCHBAY_REPLICATION_FACTOR"))).isEqualTo(named("kafka-").size());
            assertThat(services.path(instance).path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
            // An instance bound to every interface advertises its host name to the others: it must resolve.
            assertThat(services.path(instance).path("hostname").asText()).as("hostname of %s", instance)
                    .isEqualTo(instance);
            services.path(instance).path("ports").forEach(p -> ports.add(p.asText().split(":")[0]));
        }
        assertThat(ports).as("host ports of the instances").hasSize(named("patchbay-").size());
    }

    @Test
    void theMountedContractLoadsAndItsRemotesAreOnTheGitServer() throws IOException {
        for (String instance : named("patchbay-")) {
            String contractPath = env(instance).get("PATCHBAY_CONTRACT");
            String mount = null;
            for (JsonNode v : services.path(instance).path("volumes")) {
                String[] parts = v.asText().split(":");
                if (parts.length >= 2 && parts[1].equals(contractPath)) {
                    mount = parts[0];
                }
            }
            assertThat(mount).as("volume of %s that holds %s", instance, contractPath).isNotNull();
            ExecutionContract contract = ContractLoader.load(DOCKER.resolve(mount));
            assertThat(contract.domains()).isNotEmpty();
            contract.domains().forEach((name, policy) -> {
                assertThat(policy.remote()).as("remote of domain %s", name).isNotNull();
                URI url = URI.create(policy.remote().url());
                assertThat(url.getHost()).isEqualTo("git-server");
                String repo = url.getPath().replaceFirst("^/", "").replaceFirst("\\.git$", "");
                assertThat(Path.of("..").resolve(services.path("git-server").path("build").path("dockerfile").asText()))
                        .content().as("the git server seeds %s", repo).contains(" " + repo);
            });
        }
    }

    /** Every {@code PATCHBAY_*} name that patchbay's sources spell out. */
    private static Set<String> variablesPatchbayReads() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of(".."))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"))
                    .toList()) {
                Matcher m = PATCHBAY_VARIABLE.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names).as("variables found in the sources").contains("PATCHBAY_KAFKA_BOOTSTRAP");
        return names;
    }
}
