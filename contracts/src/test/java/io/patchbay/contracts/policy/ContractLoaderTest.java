package io.patchbay.contracts.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.work.FailureClass;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ContractLoaderTest {

    private static ExecutionContract parse(String yaml) {
        return ContractLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "execution-contract.yml");
    }

    @Test
    void defaultContractHasMainAndOps() {
        ExecutionContract c = ContractLoader.loadDefault();
        assertThat(c.domains()).containsOnlyKeys("main", "ops");
        assertThat(c.domain("main").orElseThrow().workspace()).isEqualTo("var/workspaces/main");
        assertThat(c.hash()).matches("[0-9a-f]{64}");
        assertThat(c.version()).isNotBlank();
    }

    @Test
    void fillsDefaultsForAMinimalDomain() {
        ExecutionContract c = parse("version: '1'\ndomains:\n  main:\n    workspace: w\n");
        DomainPolicy p = c.domain("main").orElseThrow();
        assertThat(p.paths().allow()).containsExactly("**");
        assertThat(p.retry().maxAttempts()).isEqualTo(3);
        assertThat(p.commands().shell()).isFalse();
    }

    @Test
    void unknownFieldNamesFileLineAndField() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    workspace: w\n    workspaec: x\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.file()).isEqualTo("execution-contract.yml");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.reason()).contains("workspaec").contains("not a contract field");
                });
    }

    @Test
    void brokenYamlNamesTheLine() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main: [unclosed\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.line()).isGreaterThan(0));
    }

    @Test
    void semanticProblemsNameFieldAndLine() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    workspace: w\n    limits:\n      commandTimeout: soon\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason()).contains("domains.main.limits.commandTimeout").contains("'soon' is not a duration");
                    assertThat(e.line()).isEqualTo(6);
                });
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    description: no workspace\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason()).contains("workspace"));
        assertThatThrownBy(() -> parse("domains:\n  Main_1:\n    workspace: w\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("version").contains("Main_1"));
    }

    @Test
    void aKeyWrittenTwiceIsRefusedRatherThanSilentlyOverridden() {
        assertThatThrownBy(() -> parse("version: '1'\ndomains:\n  main:\n    workspace: w\n    workspace: v\n"))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason()).containsIgnoringCase("duplicate"));
    }

    @Test
    void hashChangesWithContent() {
        String a = parse("version: '1'\ndomains:\n  main:\n    workspace: w\n").hash();
        String b = parse("version: '1'\ndomains:\n  main:\n    workspace: w2\n").hash();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void defaultContractSpellsOutEveryPartOfThePolicy() {
        ExecutionContract c = ContractLoader.loadDefault();
        DomainPolicy main = c.domain("main").orElseThrow();
        assertThat(main.nodePathPrefix()).isEqualTo("/srv/main");
        assertThat(main.paths().portable()).isTrue();
        assertThat(main.limits().patchBytes()).isGreaterThanOrEqualTo(512 * 1024);
        assertThat(main.risk().level(Risk.HIGH).approvals()).isEqualTo(1);
        assertThat(main.risk().level(Risk.HIGH).windows()).singleElement()
                .satisfies(w -> assertThat(w.zone()).isEqualTo("Europe/Berlin"));
        assertThat(main.retry().retries(FailureClass.INFRASTRUCTURE)).isTrue();
        assertThat(main.retry().retries(FailureClass.GATE_FAILED)).isFalse();
        assertThat(main.retry().backoffBefore(1000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(main.quarantine().quarantines(FailureClass.INFRASTRUCTURE)).isTrue();
        assertThat(main.quarantine().discardAfterDuration()).isEqualTo(Duration.ofDays(7));
        assertThat(main.driftCheckIntervalDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.domain("ops").orElseThrow().risk().level(Risk.CRITICAL).allowed()).isFalse();
    }

    @Test
    void readsRoutesForSlackAndNodeTargets() {
        ExecutionContract c = parse("""
                version: '1'
                routes:
                  slackChannels: {C01: main}
                  nodeTargets: {web: main}
                domains:
                  main: {workspace: w, nodePathPrefix: /srv/app}
                """);
        assertThat(c.domainOfSlackChannel("C01")).contains("main");
        assertThat(c.domainOfSlackChannel("C02")).isEmpty();
        assertThat(c.domainOfNodeTarget("web")).contains("main");
        assertThat(c.domainOfNodeTarget("main")).contains("main");
        assertThat(c.domainOfNodeTarget("mobile")).isEmpty();
        assertThat(c.nodePathPrefix("main")).contains("/srv/app");
    }

    @Test
    void schemaProblemsAreAllReportedWithTheLineOfTheFirst() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                domains:
                  main:
                    workspace: w
                    limits: {files: 0, patchBytes: many}
                    risk:
                      levels:
                        severe: {approvals: 1}
                """)).isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.reason())
                            .contains("domains.main.limits.files: ")
                            .contains("domains.main.limits.patchBytes: expected an integer, found 'many'")
                            .contains("domains.main.risk.levels.severe: 'severe' is not a contract field");
                });
    }

    @Test
    void refusesRoutesToUnknownDomainsAndBadWindows() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                routes:
                  nodeTargets: {web: mian}
                domains:
                  main:
                    workspace: w
                    risk:
                      levels:
                        high:
                          windows: [{days: [mon], from: "09:00", to: "17:00", zone: Europe/Berln}]
                """)).isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason()).contains("routes.nodeTargets.web: routes to domain 'mian'")
                            .contains("domains.main.risk.levels.high.windows.0: 'Europe/Berln' is not a time zone");
                    assertThat(e.line()).isEqualTo(3);
                });
    }

    @Test
    void refusesMoreApprovalsThanListedApprovers() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                domains:
                  main:
                    workspace: w
                    risk:
                      approvers: ["http:lead"]
                      levels: {high: {approvals: 2}}
                """)).isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason()).contains("high patches need 2 approval(s) but only 1 approver(s)");
                    assertThat(e.line()).isEqualTo(7);
                });
    }

    @Test
    void refusesABadWindowShapeAndUnknownFailureClasses() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                domains:
                  main:
                    workspace: w
                    retry: {on: [flaky]}
                    risk:
                      levels:
                        high:
                          windows: [{days: [weekdays], from: "9am", to: "17:00", zone: UTC}]
                """)).isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("domains.main.retry.on.0: expected one of")
                        .contains("a day is mon, tue")
                        .contains("a time of day is HH:MM"));
    }

    private static final String PEOPLE = """
            version: '1'
            identities:
              alice: ["http:alice-ci", "slack:U0ALICE"]
              bob: ["http:lead", "slack:U0BOB"]
            domains:
              main:
                workspace: w
                risk:
                  approvers: %s
                  levels: {critical: {approvals: 2}}
            """;

    @Test
    void identitiesJoinAPersonsCredentialsAndApproversMayNamePeople() {
        ExecutionContract c = parse(PEOPLE.formatted("[alice, \"slack:U0BOB\"]"));
        Identities people = c.people();
        var rules = c.domain("main").orElseThrow().risk();

        assertThat(people.personOf(io.patchbay.contracts.command.Submitter.slack("U0ALICE", "C1"))).isEqualTo("alice");
        assertThat(people.personOf(io.patchbay.contracts.command.Submitter.http("stranger"))).isEqualTo("http:stranger");
        assertThat(rules.mayApprove(people, io.patchbay.contracts.command.Submitter.http("alice-ci"),
                io.patchbay.contracts.command.Submitter.http("lead"))).isTrue();
        // bob is listed by his Slack credential; his token is the same person.
        assertThat(rules.mayApprove(people, io.patchbay.contracts.command.Submitter.http("lead"),
                io.patchbay.contracts.command.Submitter.http("carol"))).isTrue();
        assertThat(rules.mayApprove(people, io.patchbay.contracts.command.Submitter.slack("U0ALICE", "C1"),
                io.patchbay.contracts.command.Submitter.http("alice-ci"))).isFalse();
    }

    @Test
    void refusesACredentialListedUnderTwoPeople() {
        String yaml = PEOPLE.formatted("[alice, bob]").replace("bob: [\"http:lead\"", "bob: [\"http:alice-ci\"");

        assertThatThrownBy(() -> parse(yaml)).isInstanceOfSatisfying(ContractException.class, e -> {
            assertThat(e.reason()).contains("identities.bob").contains("http:alice-ci is already listed under alice")
                    .contains("one person");
            assertThat(e.line()).isEqualTo(4);
        });
    }

    @Test
    void refusesAnApproverWhoIsNeitherACredentialNorAListedPerson() {
        assertThatThrownBy(() -> parse(PEOPLE.formatted("[alice, bob, carol]")))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("'carol' is neither channel:id nor a person listed under identities"));
    }

    @Test
    void approvalsThatOnlyOnePersonCouldGiveAreRefused() {
        // Two credentials, one person: two approvals could never be given.
        assertThatThrownBy(() -> parse(PEOPLE.formatted("[\"http:alice-ci\", \"slack:U0ALICE\"]")))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("need 2 approval(s) but only 1 approver(s)"));
    }

    @Test
    void refusesACredentialThatIsNotChannelColonId() {
        assertThatThrownBy(() -> parse(PEOPLE.formatted("[alice, bob]").replace("\"slack:U0BOB\"", "U0BOB")))
                .isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("a credential is channel:id"));
    }

    @Test
    void refusesAPatchBytesThatTheRecordsCannotCarry() {
        var limits = new io.patchbay.contracts.topic.RecordLimits(1024 * 1024);
        String carryable = "version: '1'\ndomains:\n  main:\n    workspace: w\n    limits:\n      patchBytes: "
                + limits.maxPatchBytes() + "\n";
        assertThat(ContractLoader.parse(carryable.getBytes(StandardCharsets.UTF_8), "c.yml", limits)
                .domain("main").orElseThrow().limits().patchBytes()).isEqualTo(limits.maxPatchBytes());

        String tooLarge = carryable.replace(String.valueOf(limits.maxPatchBytes()),
                String.valueOf(limits.maxPatchBytes() + 1));
        assertThatThrownBy(() -> ContractLoader.parse(tooLarge.getBytes(StandardCharsets.UTF_8), "c.yml", limits))
                .isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason()).contains("domains.main.limits.patchBytes")
                            .contains("carry at most " + limits.maxPatchBytes())
                            .contains("PATCHBAY_MAX_RECORD_BYTES");
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.getMessage()).contains("c.yml");
                });
    }

    @Test
    void refusesSixteenMebibytePatchesAtTheDefaultRecordLimit() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                domains:
                  main:
                    workspace: w
                    limits: {patchBytes: 16777216}
                """)).isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.reason())
                        .contains("allows patches of 16777216 bytes"));
    }

    @Test
    void refusesRetryOrQuarantineOfAPatchsOwnFault() {
        assertThatThrownBy(() -> parse("""
                version: '1'
                domains:
                  main:
                    workspace: w
                    retry: {on: [infrastructure, timeout]}
                    quarantine: {on: [gate_failed]}
                """)).isInstanceOfSatisfying(ContractException.class, e -> {
                    assertThat(e.reason())
                            .contains("domains.main.retry.on: 'timeout' is the patch's own fault and is never retried")
                            .contains("domains.main.quarantine.on: 'gate_failed' is the patch's own fault and is never "
                                    + "quarantined")
                            .contains("[infrastructure]");
                    assertThat(e.line()).isEqualTo(5);
                });
    }
}
