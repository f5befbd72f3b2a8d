package io.patchbay.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Submitter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HashChainTest {

    private static List<Event> chain(String domain, int n) {
        var out = new ArrayList<Event>();
        String prev = HashChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            Event e = HashChain.seal(new Event(domain, i, "p" + i, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i),
                    new EventBody.Queued(i), null, null), prev);
            out.add(e);
            prev = e.hash();
        }
        return out;
    }

    @Test
    void sealedChainVerifiesAcrossInterleavedDomains() {
        var main = chain("main", 3);
        var ops = chain("ops", 2);
        var log = List.of(main.get(0), ops.get(0), main.get(1), ops.get(1), main.get(2));
        assertThat(HashChain.verify(log)).isEmpty();
        assertThat(main.get(0).prevHash()).isEqualTo(HashChain.GENESIS);
        assertThat(main.get(2).hash()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void findsEditedEvent() {
        var log = new ArrayList<>(chain("main", 4));
        Event e = log.get(2);
        log.set(2, new Event(e.domain(), e.seq(), e.patchId(), e.at(), new EventBody.Queued(99), e.prevHash(), e.hash()));
        var brk = HashChain.verify(log).orElseThrow();
        assertThat(brk.seq()).isEqualTo(3);
        assertThat(brk.reason()).contains("edited");
    }

    @Test
    void findsDroppedEvent() {
        var log = new ArrayList<>(chain("main", 4));
        log.remove(1);
        var brk = HashChain.verify(log).orElseThrow();
        assertThat(brk.seq()).isEqualTo(3);
        assertThat(brk.reason()).contains("dropped or the log was reordered");
    }

    @Test
    void findsReorderedEvents() {
        var log = new ArrayList<>(chain("main", 4));
        var second = log.remove(1);
        log.add(2, second);
        assertThat(HashChain.verify(log)).get().extracting(HashChain.Break::position).isEqualTo(1);
    }

    @Test
    void hashCoversTheWholeEventIncludingSubmitter() {
        Event a = HashChain.seal(new Event("main", 1, "p", Instant.EPOCH,
                new EventBody.Approved(new Submitter("http", "alice")), null, null), HashChain.GENESIS);
        Event b = HashChain.seal(new Event("main", 1, "p", Instant.EPOCH,
                new EventBody.Approved(new Submitter("http", "bob")), null, null), HashChain.GENESIS);
        assertThat(a.hash()).isNotEqualTo(b.hash());
        assertThat(a.type()).isEqualTo("Approved");
    }

    @Test
    void progressCountsTheEventsCheckedUpToTheBreak() {
        var log = new ArrayList<>(chain("main", 5));
        log.remove(3);
        var counts = new ArrayList<Integer>();

        var brk = HashChain.verify(log, counts::add).orElseThrow();

        assertThat(brk.position()).isEqualTo(3);
        assertThat(counts).containsExactly(0, 1, 2, 3);
    }
}
