package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static List<Event> log() {
        return log(6);
    }

    private static List<Event> log(int size) {
        var events = new ArrayList<Event>();
        String[] heads = {HashChain.GENESIS, HashChain.GENESIS};
        String[] domains = {"main", "ops"};
        for (int i = 0; i < size; i++) {
            int d = i % 2;
            Event e = HashChain.seal(new Event(domains[d], i / 2 + 1, "p" + i, Instant.EPOCH.plusSeconds(i),
                    new EventBody.Queued(1), null, null), heads[d]);
            heads[d] = e.hash();
            events.add(e);
        }
        return events;
    }

    private Path copy(List<Event> events) throws Exception {
        Path file = Files.createTempFile(dir, "events", ".jsonl");
        EventLog.writeJsonLines(events, file);
        return file;
    }

    @Test
    void intactLogVerifiesAndNamesEachChainHead() throws Exception {
        Run run = cli("audit", "verify", "--file", copy(log()).toString());
        assertThat(run.code()).isZero();
        assertThat(run.out()).contains("OK: 6 events in 2 domains").contains("main: 3 events, head ");
    }

    @Test
    void editedEventIsNamed() throws Exception {
        Path file = copy(log());
        List<String> lines = Files.readAllLines(file);
        lines.set(2, lines.get(2).replace("\"position\":1", "\"position\":2"));
        Files.write(file, lines, StandardCharsets.UTF_8);
        Run run = cli("audit", "verify", "--file", file.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("main#2 was edited");
    }

    @Test
    void droppedEventIsNamed() throws Exception {
        List<Event> events = new ArrayList<>(log());
        events.remove(3);
        Run run = cli("audit", "verify", "--file", copy(events).toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("event ops#3 follows ops#1 but does not chain to it");
    }

    @Test
    void reorderedEventsAreNamed() throws Exception {
        List<Event> events = new ArrayList<>(log());
        Event moved = events.remove(0);
        events.add(2, moved);
        Run run = cli("audit", "verify", "--file", copy(events).toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("event main#2 is the first event of main in the log");
    }

    @Test
    void unreadableLineIsNamed() throws Exception {
        Path file = copy(log());
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(4, "{not json");
        Files.write(file, lines, StandardCharsets.UTF_8);
        Run run = cli("audit", "verify", "--file", file.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("position 4").contains("cannot be read");
    }

    @Test
    void longLogReportsProgressOnStderrAndTheFinalCount() throws Exception {
        int size = 2 * (int) Progress.EVERY_EVENTS + 1;
        Run run = cli("audit", "verify", "--file", copy(log(size)).toString());

        assertThat(run.code()).as(run.err()).isZero();
        String total = String.format(java.util.Locale.ROOT, "%,d", size);
        List<String> errLines = run.err().lines().toList();
        assertThat(errLines.stream().filter(l -> l.matches("patchbay audit: read [\\d,]+ of " + total + " events \\(\\d+%\\)")))
                .as(run.err()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(errLines.stream().filter(l -> l.matches("patchbay audit: verified [\\d,]+ of " + total
                + " events \\(\\d+%\\)"))).as(run.err()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(errLines).anyMatch(l -> l.startsWith("patchbay audit: read " + total + " events in "))
                .anyMatch(l -> l.startsWith("patchbay audit: verified " + total + " events in "));
        assertThat(run.out()).startsWith("OK: " + size + " events in 2 domains").doesNotContain("patchbay audit:");
    }

    @Test
    void shortLogStillSaysHowManyEventsItRead() throws Exception {
        Run run = cli("audit", "verify", "--file", copy(log()).toString());

        assertThat(run.err()).contains("patchbay audit: read 6 events in ").contains("patchbay audit: verified 6 events in ")
                .doesNotContain(" of 6 events");
    }
}
