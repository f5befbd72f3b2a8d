package io.patchbay.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code patchbay} command. */
@Command(
        name = "patchbay",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Event-sourced patch executor on Apache Kafka.",
        subcommands = {
            UpCommand.class,
            ExecutorCommand.class,
            WatchdogCommand.class,
            IngestCommand.class,
            ClientCommands.Submit.class,
            CheckCommand.class,
            DomainCommand.class,
            ClientCommands.Status.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with every sub-command, the operator actions among them (one class serves all six). */
    static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Main());
        ClientCommands.ACTIONS.forEach((name, description) -> {
            CommandLine action = new CommandLine(new ClientCommands.Action());
            action.getCommandSpec().usageMessage().description(description);
            line.addSubcommand(name, action);
        });
        for (String name : new String[] {"submit", "status"}) {
            line.getSubcommands().get(name).getCommandSpec().usageMessage()
                    .exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.table());
        }
        line.setExecutionExceptionHandler(Main::exitCodeOf);
        return line;
    }

    /**
     * The exit code of what went wrong outside the patch, said in one line: patchbay not answering is
     * not a bug of the command, so it gets no stack trace. Anything else keeps picocli's handling.
     */
    private static int exitCodeOf(Exception e, CommandLine line, CommandLine.ParseResult parsed) throws Exception {
        int code;
        if (e instanceof ApiClient.Unreachable) {
            code = ExitCodes.UNAVAILABLE;
        } else if (e instanceof ApiClient.NoToken) {
            code = ExitCodes.USAGE;
        } else {
            throw e;
        }
        line.getErr().println("patchbay " + line.getCommandName() + ": " + e.getMessage());
        line.getErr().flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"patchbay " + (v == null ? "dev" : v)};
        }
    }
}
