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
            ClientCommands.Approve.class,
            ClientCommands.Reject.class,
            ClientCommands.Retry.class,
            ClientCommands.Release.class,
            ClientCommands.Discard.class,
            ClientCommands.Cancel.class,
            AuditCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
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
