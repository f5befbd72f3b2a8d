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

    record Run(int code, String out) {}

    static Run cli(String... args) {
        var out = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).execute(args);
        return new Run(code, out.toString());
    }

    private static List<Event> log() {
        var events = new ArrayList<Event>();
        String[] heads = {HashChain.GENESIS, HashChain.GENESIS};
        String[] domains = {"main", "ops"};
        for (int i = 0; i < 6; i++) {
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
}
