package io.patchbay.contracts.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.work.FailureClass;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the contract says about one domain. Every part has defaults so that a small contract is a
 * valid one; {@link ContractLoader} fills them in and checks the values.
 */
public record DomainPolicy(
        String description,
        String workspace,
        Submitters submitters,
        Paths paths,
        Commands commands,
        Limits limits,
        Gates gates,
        Retry retry,
        Sla sla,
        String driftCheckInterval,
        RiskRules risk,
        Quarantine quarantine,
        String nodePathPrefix,
        Alerts alerts,
        Remote remote) {

    public DomainPolicy {
        submitters = submitters == null ? Submitters.DEFAULT : submitters;
        paths = paths == null ? Paths.DEFAULT : paths;
        commands = commands == null ? Commands.DEFAULT : commands;
        limits = limits == null ? Limits.DEFAULT : limits;
        gates = gates == null ? Gates.DEFAULT : gates;
        retry = retry == null ? Retry.DEFAULT : retry;
        sla = sla == null ? Sla.DEFAULT : sla;
        driftCheckInterval = driftCheckInterval == null ? "5m" : driftCheckInterval;
        risk = risk == null ? RiskRules.DEFAULT : risk;
        quarantine = quarantine == null ? Quarantine.DEFAULT : quarantine;
        alerts = alerts == null ? Alerts.DEFAULT : alerts;
    }

    /** Where the domain's alerts (SLA breaches and recoveries, stuck patches, drift) are posted; null: nowhere. */
    public record Alerts(String slackChannel) {
        static final Alerts DEFAULT = new Alerts(null);
    }

    @JsonIgnore
    public Duration driftCheckIntervalDuration() {
        return Durations.parse(driftCheckInterval);
    }

    /** Who may submit: HTTP token names ({@code "*"} for any), the spool, the local CLI, Slack ids. */
    public record Submitters(List<String> tokens, Boolean spool, Boolean cli, List<String> slackUsers,
            List<String> slackChannels) {
        static final Submitters DEFAULT = new Submitters(null, null, null, null, null);

        public Submitters {
            tokens = tokens == null ? List.of("*") : List.copyOf(tokens);
            spool = spool == null || spool;
            cli = cli == null || cli;
            slackUsers = slackUsers == null ? List.of() : List.copyOf(slackUsers);
            slackChannels = slackChannels == null ? List.of() : List.copyOf(slackChannels);
        }
    }

    /**
     * Path globs relative to the working tree; deny wins over allow. {@code portable} (the default)
     * also refuses names that Windows or macOS cannot check out (CON, {@code a:b}, a trailing dot), so
     * that every clone of the tree works everywhere.
     */
    public record Paths(List<String> allow, List<String> deny, Boolean portable) {
        static final Paths DEFAULT = new Paths(null, null, null);

        public Paths {
            allow = allow == null ? List.of("**") : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
            portable = portable == null || portable;
        }

        public Paths(List<String> allow, List<String> deny) {
            this(allow, deny, null);
        }
    }

    /**
     * Commands as argv prefixes; a shell ({@code sh -c} and the like) only where {@code shell} is true.
     * Commands and command gates run in {@code sandbox}: {@value #BUBBLEWRAP} (the default) sees the
     * working tree and the system read-only, or {@value #NO_SANDBOX}, which a contract must write out
     * and which every summary then states. {@code network} lets sandboxed commands reach the network.
     */
    public record Commands(List<List<String>> allow, Boolean shell, String sandbox, Boolean network) {
        static final Commands DEFAULT = new Commands(null, null, null, null);
        public static final String BUBBLEWRAP = "bubblewrap";
        public static final String NO_SANDBOX = "none";

        public Commands {
            allow = allow == null ? List.of() : allow.stream().map(List::copyOf).toList();
            shell = shell != null && shell;
            sandbox = sandbox == null ? BUBBLEWRAP : sandbox;
            network = network != null && network;
        }

        public Commands(List<List<String>> allow, Boolean shell) {
            this(allow, shell, null, null);
        }

        /** Whether commands run in the bubblewrap sandbox; false only where the contract says {@code sandbox: none}. */
        @JsonIgnore
        public boolean sandboxed() {
            return !NO_SANDBOX.equals(sandbox);
        }
    }

    public record Limits(Long patchBytes, Integer files, String commandTimeout, String patchTimeout, Integer outputBytes) {
        static final Limits DEFAULT = new Limits(null, null, null, null, null);

        public Limits {
            patchBytes = patchBytes == null ? 1_048_576L : patchBytes;
            files = files == null ? 500 : files;
            commandTimeout = commandTimeout == null ? "2m" : commandTimeout;
            patchTimeout = patchTimeout == null ? "15m" : patchTimeout;
            outputBytes = outputBytes == null ? 16_384 : outputBytes;
        }

        @JsonIgnore
        public Duration commandTimeoutDuration() {
            return Durations.parse(commandTimeout);
        }

        @JsonIgnore
        public Duration patchTimeoutDuration() {
            return Durations.parse(patchTimeout);
        }
    }

    /** Gates every patch of the domain must pass ({@code required}), and those added when a patch names none. */
    public record Gates(List<io.patchbay.contracts.patch.Gate> required, List<io.patchbay.contracts.patch.Gate> defaults) {
        static final Gates DEFAULT = new Gates(null, null);

        public Gates {
            required = required == null ? List.of() : List.copyOf(required);
            defaults = defaults == null ? List.of() : List.copyOf(defaults);
        }
    }

    /**
     * How failed attempts are retried: at most {@code maxAttempts} in all, the first retry after
     * {@code backoff}, each next one after twice the pause before it, never more than
     * {@code maxBackoff}; only failures of the classes in {@code on} are retried (by default the
     * worker's own faults, never the patch's).
     */
    public record Retry(Integer maxAttempts, String backoff, String maxBackoff, List<String> on) {
        static final Retry DEFAULT = new Retry(null, null, null, null);

        public Retry {
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            backoff = backoff == null ? "2s" : backoff;
            maxBackoff = maxBackoff == null ? "5m" : maxBackoff;
            on = on == null ? List.of("infrastructure") : List.copyOf(on);
        }

        public Retry(Integer maxAttempts, String backoff) {
            this(maxAttempts, backoff, null, null);
        }

        @JsonIgnore
        public Duration backoffDuration() {
            return Durations.parse(backoff);
        }

        /**
         * The pause before retry {@code n} (1 for the first retry): the backoff doubled n - 1 times,
         * capped at {@code maxBackoff}. Doubling stops at the cap, so a large n cannot overflow.
         */
        public Duration backoffBefore(int n) {
            Duration cap = Durations.parse(maxBackoff);
            Duration d = backoffDuration();
            for (int i = 1; i < n && !d.isZero() && d.compareTo(cap) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(cap) > 0 ? cap : d;
        }

        public boolean retries(FailureClass failure) {
            // A patch's own fault is never tried again, whatever a contract built in code lists.
            return failure != null && failure.retriable() && on.contains(failure.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * What happens to a patch whose retries ran out: failures of the classes in {@code on} put it in
     * quarantine (to be released or discarded by a person), others fail it for good. A quarantined
     * patch nobody acts on is discarded after {@code discardAfter}.
     */
    public record Quarantine(List<String> on, String discardAfter) {
        static final Quarantine DEFAULT = new Quarantine(null, null);

        public Quarantine {
            on = on == null ? List.of("infrastructure") : List.copyOf(on);
            discardAfter = discardAfter == null ? "7d" : discardAfter;
        }

        public boolean quarantines(FailureClass failure) {
            return failure != null && failure.retriable() && on.contains(failure.name().toLowerCase(Locale.ROOT));
        }

        @JsonIgnore
        public Duration discardAfterDuration() {
            return Durations.parse(discardAfter);
        }
    }

    /**
     * Risk rules: per risk level, whether such patches are allowed at all, how many approvals they
     * need and in which change windows they may run. {@code approvers} lists who may approve, as
     * {@code channel:id} or as a person named under the contract's {@code identities} ({@code "*"}
     * for anyone who may act on the domain); with {@code fourEyes} nobody approves their own patch.
     * {@code rules} set a patch's level from what it does, so the levels apply whether or not the
     * submitter states a risk.
     */
    public record RiskRules(List<String> approvers, Boolean fourEyes, Levels levels, List<RiskRule> rules) {
        static final RiskRules DEFAULT = new RiskRules(null, null, null, null);

        public RiskRules {
            approvers = approvers == null ? List.of() : List.copyOf(approvers);
            fourEyes = fourEyes == null || fourEyes;
            levels = levels == null ? Levels.DEFAULT : levels;
            rules = rules == null ? List.of() : List.copyOf(rules);
        }

        public RiskRules(List<String> approvers, Boolean fourEyes, Levels levels) {
            this(approvers, fourEyes, levels, null);
        }

        /** The rule for one risk level. */
        public Level level(io.patchbay.contracts.patch.Risk risk) {
            return levels.of(risk);
        }

        /** Whether {@code approver} may approve a patch that {@code submitter} submitted, each their own person. */
        public boolean mayApprove(Submitter approver, Submitter submitter) {
            return mayApprove(Identities.NONE, approver, submitter);
        }

        /**
         * Whether {@code approver} may approve a patch that {@code submitter} submitted, comparing
         * people: under four eyes the submitter's person never approves, from whichever channel.
         */
        public boolean mayApprove(Identities people, Submitter approver, Submitter submitter) {
            if (approver == null) {
                return false;
            }
            if (fourEyes && people.samePerson(approver, submitter)) {
                return false;
            }
            return listsApprover(people, approver);
        }

        /** Whether the approvers name this person, by their name or by any of their credentials. */
        public boolean listsApprover(Identities people, Submitter who) {
            String person = people.personOf(who);
            return approvers.contains("*") || approvers.stream().map(people::personOfEntry).anyMatch(person::equals);
        }
    }

    public record Levels(Level low, Level medium, Level high, Level critical) {
        static final Levels DEFAULT = new Levels(null, null, null, null);

        public Levels {
            low = low == null ? Level.DEFAULT : low;
            medium = medium == null ? Level.DEFAULT : medium;
            high = high == null ? Level.DEFAULT : high;
            critical = critical == null ? Level.DEFAULT : critical;
        }

        public Level of(io.patchbay.contracts.patch.Risk risk) {
            return switch (risk == null ? io.patchbay.contracts.patch.Risk.LOW : risk) {
                case LOW -> low;
                case MEDIUM -> medium;
                case HIGH -> high;
                case CRITICAL -> critical;
            };
        }
    }

    /** One risk level: allowed at all, approvals needed, change windows (none: any time). */
    public record Level(Boolean allowed, Integer approvals, List<ChangeWindow> windows) {
        static final Level DEFAULT = new Level(null, null, null);

        public Level {
            allowed = allowed == null || allowed;
            approvals = approvals == null ? 0 : approvals;
            windows = windows == null ? List.of() : List.copyOf(windows);
        }
    }

    public record Sla(Integer queueDepth, String oldestPending, String runTime, Integer quarantine, Double successRate) {
        static final Sla DEFAULT = new Sla(null, null, null, null, null);

        public Sla {
            queueDepth = queueDepth == null ? 50 : queueDepth;
            oldestPending = oldestPending == null ? "15m" : oldestPending;
            runTime = runTime == null ? "10m" : runTime;
            quarantine = quarantine == null ? 5 : quarantine;
            successRate = successRate == null ? 0.8 : successRate;
        }
    }
}
