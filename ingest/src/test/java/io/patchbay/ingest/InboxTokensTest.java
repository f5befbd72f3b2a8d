package io.patchbay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InboxTokensTest {

    private static final String CI = Json.sha256Hex("ci-token");
    private static final String BOT = Json.sha256Hex("bot-token");

    @TempDir
    Path dir;

    @Test
    void readsHashedTokensWithTheirDomainsFromFileAndEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yml"), """
                tokens:
                  - name: ci
                    sha256: %s
                    domains: [main, ops]
                    requestsPerMinute: 30
                """.formatted(CI.toUpperCase()));

        var tokens = InboxTokens.load(file, Map.of(InboxTokens.ENV, "bot:" + BOT + ":ops, ,all:" + CI.replace('a', 'b')));

        assertThat(tokens).containsExactly(
                new InboxToken("ci", CI, Set.of("main", "ops"), 30),
                new InboxToken("bot", BOT, Set.of("ops"), null),
                InboxToken.anyDomain("all", CI.replace('a', 'b')));
        assertThat(tokens.get(0).allows("ops")).isTrue();
        assertThat(tokens.get(1).allows("main")).isFalse();
        assertThat(tokens.get(2).allows("anything")).isTrue();
    }

    @Test
    void aMissingFileAndNoVariableGiveNoTokens() {
        assertThat(InboxTokens.load(dir.resolve("absent.yml"), Map.of())).isEmpty();
    }

    @Test
    void refusesATokenDefinedTwice() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yml"), "tokens:\n  - {name: ci, sha256: " + CI + "}\n");

        assertThatThrownBy(() -> InboxTokens.load(file, Map.of(InboxTokens.ENV, "ci:" + BOT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ci'");
    }

    @Test
    void refusesAPlainTokenWhereItsHashBelongsWithoutEchoingIt() {
        assertThatThrownBy(() -> InboxTokens.load(null, Map.of(InboxTokens.ENV, "ci:pb_secret-token-value")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sha256")
                .hasMessageNotContaining("pb_secret-token-value");
        assertThatThrownBy(() -> InboxTokens.load(null, Map.of(InboxTokens.ENV, "ci")))
                .hasMessageContaining(InboxTokens.ENV);
    }

    @Test
    void refusesAMisspeltFieldInTheFileRatherThanAllowingEveryDomain() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yml"),
                "tokens:\n  - {name: ci, sha256: " + CI + ", domain: [main]}\n");

        assertThatThrownBy(() -> InboxTokens.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens.yml")
                .hasMessageContaining("domain");
    }

    @Test
    void readsScopesFromTheFileAndTheEnvironmentAndDefaultsToSubmitOnly() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yml"), """
                tokens:
                  - {name: lead, sha256: %s, scopes: [approve, OPERATE]}
                  - {name: ci, sha256: %s}
                """.formatted(CI, BOT));
        String env = "ops:" + Json.sha256Hex("o") + "::operate,both:" + Json.sha256Hex("b") + ":main:submit+approve";

        var tokens = InboxTokens.load(file, Map.of(InboxTokens.ENV, env));

        assertThat(tokens).extracting(InboxToken::name, InboxToken::scopes).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lead", Set.of(Scope.APPROVE, Scope.OPERATE)),
                org.assertj.core.groups.Tuple.tuple("ci", Set.of(Scope.SUBMIT)),
                org.assertj.core.groups.Tuple.tuple("ops", Set.of(Scope.OPERATE)),
                org.assertj.core.groups.Tuple.tuple("both", Set.of(Scope.SUBMIT, Scope.APPROVE)));
        assertThat(tokens.get(2).allows("anything")).isTrue();
        assertThat(tokens.get(3).allows("ops")).isFalse();
        assertThat(tokens.get(0).has(Scope.SUBMIT)).isFalse();
    }

    @Test
    void refusesAnUnknownScopeInTheFileNamingItAndTheKnownOnes() throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yml"),
                "tokens:\n  - {name: ci, sha256: " + CI + ", scopes: [submit, admin]}\n");

        assertThatThrownBy(() -> InboxTokens.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokens.yml")
                .hasMessageContaining("'admin' is not a scope")
                .hasMessageContaining("submit, approve, operate");
    }

    @Test
    void refusesAnUnknownScopeInTheEnvironmentNamingTheToken() {
        assertThatThrownBy(() -> InboxTokens.load(null, Map.of(InboxTokens.ENV, "ci:" + CI + "::submit+root")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(InboxTokens.ENV)
                .hasMessageContaining("token 'ci'")
                .hasMessageContaining("'root' is not a scope");
        assertThatThrownBy(() -> InboxTokens.load(null, Map.of(InboxTokens.ENV, "ci:" + CI + "::submit:extra")))
                .hasMessageContaining("scope+scope");
    }
}
