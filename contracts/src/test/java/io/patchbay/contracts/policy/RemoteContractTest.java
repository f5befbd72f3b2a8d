package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A domain's git remote in the contract ({@code remote: {url, branch, credentials}}) and how it is checked. */
class RemoteContractTest {

    private static Remote remote(String block) {
        String yaml = "version: '1'\ndomains:\n  main:\n    workspace: w\n    remote:\n" + block;
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "execution-contract.yml").domain("main")
                .orElseThrow().remote();
    }

    @Test
    void aDomainWithoutRemoteHasNone() {
        String yaml = "version: '1'\ndomains:\n  main:\n    workspace: w\n";
        assertThat(ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "c.yml").domain("main").orElseThrow()
                .remote()).isNull();
    }

    @Test
    void remoteIsReadWithBranchMainByDefault() {
        Remote r = remote("      url: https://git.example.com/team/app.git\n      credentials: {env: APP_GIT_TOKEN}\n");

        assertThat(r.url()).isEqualTo("https://git.example.com/team/app.git");
        assertThat(r.branch()).isEqualTo("main");
        assertThat(r.ref()).isEqualTo("refs/heads/main");
        assertThat(r.credentials().env()).isEqualTo("APP_GIT_TOKEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://h/x.git", "http://h:8080/x", "git://127.0.0.1:9418/x.git",
            "file:///srv/git/x.git"})
    void everySupportedSchemeIsAccepted(String url) {
        assertThat(remote("      url: " + url + "\n      branch: release/2.1\n").branch()).isEqualTo("release/2.1");
    }

    @Test
    void anSshRemoteIsAcceptedWithAKeyFile() {
        Remote r = remote("      url: ssh://git@h:2222/team/x.git\n      credentials: {file: var/secrets/deploy_key}\n");

        assertThat(r.credentials().file()).isEqualTo("var/secrets/deploy_key");
    }

    @Test
    void anSshRemoteWithoutCredentialsIsRefusedNamingWhatItNeeds() {
        assertThatThrownBy(() -> remote("      url: ssh://git@h/team/x.git\n"))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("needs credentials: {file: var/secrets/NAME}")
                .hasMessageContaining("var/secrets/known_hosts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"git@git.example.com:team/app.git", "deploy@h:/srv/git/app.git"})
    void anScpFormAddressIsRefusedWithHowToWriteItAsAUrl(String address) {
        assertThatThrownBy(() -> remote("      url: '" + address + "'\n      credentials: {file: var/secrets/k}\n"))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("the scp form git@host:team/app.git is written ssh://git@host/team/app.git");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://h/x.git", "h:x.git", "/srv/git/x.git", "https:///x.git", "https://h"})
    void aBadUrlIsRefusedWithItsReason(String url) {
        assertThatThrownBy(() -> remote("      url: " + url + "\n"))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("remote");
    }

    @ParameterizedTest
    @ValueSource(strings = {"'feature..x'", "'a b'", "'main.lock'", "'x~1'", "'/main'", "'topic/'", "'-x'", "'a:b'"})
    void aBadBranchIsRefusedWithItsReason(String branch) {
        assertThatThrownBy(() -> remote("      url: https://h/x.git\n      branch: " + branch + "\n"))
                .isInstanceOf(ContractException.class)
                .hasMessageContaining("is not a git branch name");
    }

    @Test
    void aCredentialFileMustStayUnderVarSecrets() {
        assertThat(remote("      url: https://h/x.git\n      credentials: {file: var/secrets/app-token}\n")
                .credentials().file()).isEqualTo("var/secrets/app-token");
        assertThatThrownBy(() -> remote("      url: https://h/x.git\n      credentials: {file: var/secrets/../../etc/passwd}\n"))
                .isInstanceOf(ContractException.class).hasMessageContaining("under var/secrets");
        assertThatThrownBy(() -> remote("      url: https://h/x.git\n      credentials: {file: /etc/passwd}\n"))
                .isInstanceOf(ContractException.class).hasMessageContaining("under var/secrets");
    }

    @Test
    void credentialsNameExactlyOneSource() {
        assertThatThrownBy(() -> remote("      url: https://h/x.git\n      credentials: {env: A, file: var/secrets/b}\n"))
                .isInstanceOf(ContractException.class).hasMessageContaining("env or file");
        assertThatThrownBy(() -> remote("      url: https://h/x.git\n      credentials: {env: '1A'}\n"))
                .isInstanceOf(ContractException.class).hasMessageContaining("environment variable");
    }

    @Test
    void theUrlIsShownWithoutUserInformation() {
        Remote r = new Remote("https://bot:s3cret@git.example.com/team/app.git", null, null);

        assertThat(r.displayUrl()).isEqualTo("https://git.example.com/team/app.git");
        assertThat(r.toString()).doesNotContain("s3cret");
        assertThat(Remote.withoutUserInfo("git://127.0.0.1:9418/a.git")).isEqualTo("git://127.0.0.1:9418/a.git");
        assertThatThrownBy(() -> remote("      url: https://bot:s3cret@h/x.git\n      branch: 'a b'\n"))
                .isInstanceOf(ContractException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
    }
}
