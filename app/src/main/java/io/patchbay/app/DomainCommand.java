package io.patchbay.app;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code patchbay domain ...}: what an operator does to a domain as a whole. */
@Command(name = "domain", description = "Act on a domain: unfreeze one that drift froze.",
        subcommands = {DomainCommand.Unfreeze.class})
public final class DomainCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code patchbay domain unfreeze DOMAIN --adopt|--reset}. */
    @Command(name = "unfreeze", description = {
        "End a domain's freeze after its working tree drifted from the log; its waiting patches then run.",
        "--adopt takes the working tree as it is (changes made outside patchbay are committed with an",
        "Adopted-By: trailer); --reset puts it back to the last commit patchbay recorded and removes stray files."})
    static final class Unfreeze implements Callable<Integer> {

        @Parameters(index = "0", description = "The frozen domain.")
        String domain;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Mode mode;

        static final class Mode {
            @Option(names = "--adopt", required = true, description = "Keep the working tree as it is.")
            boolean adopt;

            @Option(names = "--reset", required = true, description = "Reset the working tree to the recorded commit.")
            boolean reset;
        }

        @Mixin
        ApiClient api = new ApiClient();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            String path = "/v1/domains/" + URLEncoder.encode(domain, StandardCharsets.UTF_8) + "/unfreeze?mode="
                    + (mode.adopt ? "adopt" : "reset");
            return ClientCommands.print(spec, api.post(path, "application/json", new byte[0]));
        }
    }
}
