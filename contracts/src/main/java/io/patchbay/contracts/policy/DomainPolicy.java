package io.patchbay.contracts.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Duration;
import java.util.List;

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
        String driftCheckInterval) {

    public DomainPolicy {
        submitters = submitters == null ? Submitters.DEFAULT : submitters;
        paths = paths == null ? Paths.DEFAULT : paths;
        commands = commands == null ? Commands.DEFAULT : commands;
        limits = limits == null ? Limits.DEFAULT : limits;
        gates = gates == null ? Gates.DEFAULT : gates;
        retry = retry == null ? Retry.DEFAULT : retry;
        sla = sla == null ? Sla.DEFAULT : sla;
        driftCheckInterval = driftCheckInterval == null ? "5m" : driftCheckInterval;
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

    /** Path globs relative to the working tree; deny wins over allow. */
    public record Paths(List<String> allow, List<String> deny) {
        static final Paths DEFAULT = new Paths(null, null);

        public Paths {
            allow = allow == null ? List.of("**") : List.copyOf(allow);
            deny = deny == null ? List.of() : List.copyOf(deny);
        }
    }

    /** Commands as argv prefixes; a shell ({@code sh -c} and the like) only where {@code shell} is true. */
    public record Commands(List<List<String>> allow, Boolean shell) {
        static final Commands DEFAULT = new Commands(null, null);

        public Commands {
            allow = allow == null ? List.of() : allow.stream().map(List::copyOf).toList();
            shell = shell != null && shell;
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

    public record Retry(Integer maxAttempts, String backoff) {
        static final Retry DEFAULT = new Retry(null, null);

        public Retry {
            maxAttempts = maxAttempts == null ? 3 : maxAttempts;
            backoff = backoff == null ? "2s" : backoff;
        }

        @JsonIgnore
        public Duration backoffDuration() {
            return Durations.parse(backoff);
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
