package io.patchbay.app;

import io.patchbay.contracts.patch.PatchReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands a person types against a running patchbay; each is one HTTP call. */
final class ClientCommands {

    private ClientCommands() {}

    /** Prints a reply and turns its status into an exit code: 0 for 2xx, 1 otherwise. */
    static int print(CommandSpec spec, ApiClient.Reply reply) {
        PrintWriter out = reply.status() / 100 == 2 ? spec.commandLine().getOut() : spec.commandLine().getErr();
        out.println(reply.body());
        out.flush();
        return reply.status() / 100 == 2 ? 0 : 1;
    }

    static String contentTypeOf(Path file) {
        PatchReader.Format f = PatchReader.Format.ofFileName(file.getFileName().toString());
        if (f == null) {
            throw new IllegalArgumentException(file + ": name it .json, .yaml, .yml, .diff or .patch");
        }
        return switch (f) {
            case JSON -> "application/json";
            case YAML -> "application/yaml";
            case DIFF -> "text/x-diff";
        };
    }

    @Command(name = "submit", description = "Submit a patch file (.json, .yaml, .diff, .patch) to a running patchbay.")
    static final class Submit implements Callable<Integer> {
        @Parameters(index = "0", description = "The patch file.")
        Path file;

        @Option(names = "--domain", description = "The domain, for a bare diff.")
        String domain;

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String query = domain == null ? "" : "?domain=" + domain;
            return print(spec, api.post("/v1/patches" + query, contentTypeOf(file), Files.readAllBytes(file)));
        }
    }

    @Command(name = "status", description = "Show a patch's status and timeline, or every domain's figures without an id.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "The patch id.")
        String id;

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            return print(spec, api.get(id == null ? "/health" : "/v1/patches/" + id));
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
