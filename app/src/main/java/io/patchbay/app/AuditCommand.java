package io.patchbay.app;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.HashChain;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code patchbay audit}: check and copy the hash-chained event log. */
@Command(name = "audit", description = "Check or copy the hash-chained event log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the log is read from: a file copy, or Kafka. */
    static final class Source {
        @Option(names = "--file", description = "Read a copy of the log (JSON lines, as written by 'audit export').")
        Path file;

        @Option(names = "--kafka-bootstrap", description = "Read the log from this cluster (default: $PATCHBAY_KAFKA_BOOTSTRAP or 127.0.0.1:9092).")
        String bootstrap = Optional.ofNullable(System.getenv("PATCHBAY_KAFKA_BOOTSTRAP")).orElse("127.0.0.1:9092");

        @Option(names = "--timeout", description = "How long reading the log from Kafka may take (default: ${DEFAULT-VALUE}).")
        Duration timeout = Duration.ofSeconds(60);

        /** The log, saying on {@code err} how far reading has come and, at the end, how many events it read. */
        List<Event> events(PrintWriter err) throws Exception {
            Progress progress = Progress.toStderr("read", err);
            List<Event> events = file != null ? EventLog.readJsonLines(file, progress::at)
                    : EventLog.read(bootstrap, timeout, progress::at);
            progress.done(events.size());
            return events;
        }
    }

    @Command(name = "verify", description = {"Read the whole event log and name the first event that was edited, dropped or reordered.",
            "Progress goes to stderr (a line every 50,000 events or 5 s, or one rewritten line on a terminal); the result to stdout."})
    static final class Verify implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Source source = new Source();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<Event> events = source.events(spec.commandLine().getErr());
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i) == null) {
                    out.printf("BROKEN at position %d: the record cannot be read as an event%n", i);
                    out.flush();
                    return 1;
                }
            }
            Progress checking = Progress.toStderr("verified", spec.commandLine().getErr());
            Optional<HashChain.Break> broken = HashChain.verify(events, checked -> checking.at(checked, events.size()));
            if (broken.isPresent()) {
                HashChain.Break b = broken.get();
                out.printf("BROKEN at position %d: %s%n", b.position(), b.reason());
                out.flush();
                return 1;
            }
            checking.done(events.size());
            Map<String, Event> heads = new LinkedHashMap<>();
            events.forEach(e -> heads.put(e.domain(), e));
            List<String> lines = new ArrayList<>();
            heads.values().forEach(e -> lines.add("  " + e.domain() + ": " + e.seq() + " events, head " + e.hash()));
            out.printf("OK: %d events in %d domains; every chain verifies%n", events.size(), heads.size());
            lines.forEach(out::println);
            out.flush();
            return 0;
        }
    }

    @Command(name = "export", description = "Copy the event log to a file of JSON lines.")
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Source source = new Source();

        @Option(names = "--to", required = true, description = "The file to write.")
        Path to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Event> events = source.events(spec.commandLine().getErr());
            EventLog.writeJsonLines(events, to);
            spec.commandLine().getOut().printf("wrote %d events to %s%n", events.size(), to);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
