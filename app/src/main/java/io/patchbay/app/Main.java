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
        return line;
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
