package io.patchbay.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.view.PatchView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The commands a person types against a running patchbay: each is one HTTP call, but for
 * {@code submit --wait} and {@code status --follow}, which poll the patch until it ends. They print
 * text for people by default and patchbay's JSON with {@code --json}; their exit codes are in
 * {@link ExitCodes}.
 */
final class ClientCommands {

    private ClientCommands() {}

    /** Prints a reply as it came and turns its status into an exit code (see {@link ExitCodes}). */
    static int print(CommandSpec spec, ApiClient.Reply reply) {
        boolean ok = reply.status() / 100 == 2;
        PrintWriter out = ok ? spec.commandLine().getOut() : spec.commandLine().getErr();
        out.println(reply.body());
        out.flush();
        return ok ? ExitCodes.OK : ExitCodes.ofHttpStatus(reply.status());
    }

    /** Says why patchbay did not do what it was asked, on stderr, and returns the exit code for it. */
    static int refused(CommandSpec spec, String what, ApiClient.Reply reply) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("patchbay " + (reply.status() / 100 == 4 ? "refused " : "could not serve ") + what + " (HTTP "
                + reply.status() + "): " + ApiClient.detailOf(reply));
        err.flush();
        return ExitCodes.ofHttpStatus(reply.status());
    }

    static String contentTypeOf(CommandSpec spec, Path file) {
        PatchReader.Format f = PatchReader.Format.ofFileName(file.getFileName().toString());
        if (f == null) {
            throw new ParameterException(spec.commandLine(), file + ": name it .json, .yaml, .yml, .diff or .patch");
        }
        return switch (f) {
            case JSON -> "application/json";
            case YAML -> "application/yaml";
            case DIFF -> "text/x-diff";
        };
    }

    /** Durations as the contract writes them: {@code 90s}, {@code 10m}, {@code 1h}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** What --wait and --follow share: the timeout, and whether to print JSON. */
    static final class FollowOptions {
        @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "<duration>",
                description = "With --wait/--follow: give up after this long (90s, 10m, 1h) and exit 124; the patch "
                        + "goes on. Default: wait as long as it takes.")
        Duration timeout;

        @Option(names = "--json", description = "Print the JSON document patchbay answers (with --wait/--follow: "
                + "the final status, once) instead of text for people.")
        boolean json;
    }

    /**
     * Follows a patch to its end: the timeline as events arrive (or, with --json, the final status
     * document), and the exit code of its outcome.
     */
    static int follow(CommandSpec spec, ApiClient api, String id, boolean submitted, FollowOptions options)
            throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        TimelineFormat format = new TimelineFormat(Style.forStdout(), ZoneId.systemDefault());
        Instant[] start = new Instant[1];
        PatchFollower.Listener listener = new PatchFollower.Listener() {
            @Override
            public void first(PatchView view) {
                start[0] = view.submittedAt() != null ? view.submittedAt()
                        : view.timeline().isEmpty() ? null : view.timeline().get(0).at();
                if (!options.json) {
                    format.header(view).forEach(out::println);
                    out.flush();
                }
            }

            @Override
            public void entry(PatchView.TimelineEntry entry, PatchView view) {
                if (!options.json) {
                    out.println(format.entry(entry, start[0]));
                    out.flush();
                }
            }
        };
        PatchFollower.Outcome outcome = PatchFollower.overHttp(api, submitted, options.timeout).follow(id, listener);
        if (outcome.last() != null) {
            if (options.json) {
                out.println(Json.canonical(outcome.last()));
            } else {
                format.ending(outcome.last(), Instant.now()).forEach(out::println);
            }
            out.flush();
        }
        if (outcome.problem() != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("patchbay: " + (outcome.exitCode() == ExitCodes.TIMED_OUT ? "timed out: " : "") + outcome.problem());
            err.flush();
        }
        return outcome.exitCode();
    }

    @Command(name = "submit", mixinStandardHelpOptions = true, description = {
            "Submit a patch file (.json, .yaml, .diff, .patch) to a running patchbay.",
            "With --wait, print its timeline as events arrive and exit with its outcome, so that a CI job can use "
                    + "it as a step (exit codes below)."})
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", description = "The patch file.")
        Path file;

        @Option(names = "--domain", description = "The domain, for a bare diff.")
        String domain;

        @Option(names = "--wait", description = "Wait until the patch ends; exit 0 only when it succeeded.")
        boolean wait;

        @Mixin
        FollowOptions follow = new FollowOptions();

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String contentType = contentTypeOf(spec, file);
            if (!Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), file + " cannot be read (no such file, or no permission)");
            }
            if (follow.timeout != null && !wait) {
                throw new ParameterException(spec.commandLine(), "--timeout is for --wait");
            }
            String query = domain == null ? "" : "?domain=" + domain;
            ApiClient.Reply reply = api.post("/v1/patches" + query, contentType, Files.readAllBytes(file));
            if (reply.status() / 100 != 2) {
                return follow.json ? print(spec, reply) : refused(spec, "the patch", reply);
            }
            String id = Json.mapper().readTree(reply.body()).path("id").asText();
            if (wait) {
                return follow(spec, api, id, true, follow);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (follow.json) {
                out.println(reply.body());
            } else {
                out.println("submitted patch " + id);
                out.println("  follow it: patchbay status " + id + " --follow");
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {
            "Show a patch's status and timeline, or without an id patchbay's health and every domain's figures.",
            "With --follow, print the timeline as events arrive and exit with the patch's outcome (exit codes below)."})
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "The patch id.")
        String id;

        @Option(names = "--follow", description = "Follow the patch until it ends; exit 0 only when it succeeded.")
        boolean followIt;

        @Mixin
        FollowOptions follow = new FollowOptions();

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if ((followIt || follow.timeout != null) && id == null) {
                throw new ParameterException(spec.commandLine(), "--follow and --timeout need a patch id");
            }
            if (follow.timeout != null && !followIt) {
                throw new ParameterException(spec.commandLine(), "--timeout is for --follow");
            }
            if (followIt) {
                return follow(spec, api, id, false, follow);
            }
            ApiClient.Reply reply = api.get(id == null ? "/health" : "/v1/patches/" + id);
            if (follow.json) {
                return print(spec, reply);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (id == null) {
                // An unhealthy patchbay answers 503 with the report: show it, and exit as unavailable.
                JsonNode report = readJson(reply.body());
                if (report == null || !report.has("domains")) {
                    return refused(spec, "the health report", reply);
                }
                new HealthFormat(Style.forStdout()).render(report).forEach(out::println);
                out.flush();
                return reply.status() / 100 == 2 ? ExitCodes.OK : ExitCodes.ofHttpStatus(reply.status());
            }
            if (reply.status() != 200) {
                return refused(spec, "patch " + id, reply);
            }
            PatchView view = Json.read(reply.body().getBytes(StandardCharsets.UTF_8), PatchView.class);
            new TimelineFormat(Style.forStdout(), ZoneId.systemDefault()).render(view, Instant.now())
                    .forEach(out::println);
            out.flush();
            return ExitCodes.OK;
        }

        private static JsonNode readJson(String body) {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** The operator actions, by their sub-command name, with what each one does. */
    static final java.util.Map<String, String> ACTIONS = new java.util.LinkedHashMap<>();

    static {
        ACTIONS.put("approve", "Approve a patch that awaits approval.");
        ACTIONS.put("reject", "Reject a patch that has not started.");
        ACTIONS.put("retry", "Run a patch waiting for its retry now, or release it from quarantine.");
        ACTIONS.put("release", "Release a patch from quarantine back into its queue.");
        ACTIONS.put("discard", "Discard a quarantined patch for good.");
        ACTIONS.put("cancel", "Cancel a queued patch, or stop and roll back a running one.");
    }

    /** One operator action on a patch; which one is the name it was registered under (see {@link Main#commandLine()}). */
    @Command(mixinStandardHelpOptions = true)
    static final class Action implements Callable<Integer> {
        @Parameters(index = "0", description = "The patch id.")
        String id;

        @Option(names = "--reason", description = "Why, for the timeline.")
        String reason;

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            String body = reason == null ? "" : io.patchbay.contracts.Json.canonical(java.util.Map.of("reason", reason));
            return print(spec, api.post("/v1/patches/" + id + "/" + spec.name(), "application/json",
                    body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
