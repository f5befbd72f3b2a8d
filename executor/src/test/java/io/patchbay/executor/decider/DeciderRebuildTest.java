package io.patchbay.executor.decider;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.patch.Risk;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decider's stores are the fold of its events: rebuilt from {@code patchbay.events} alone with
 * {@link Evolve}, they equal the live ones, after a life with approvals, rejections, a pipelined
 * window, retries, quarantine, release, discard and cancels.
 */
class DeciderRebuildTest extends DeciderTestBase {

    private static final String LIFE = """
            version: "rebuild-1"
            domains:
              main:
                workspace: ws/main
                retry:
                  maxAttempts: 2
                  backoff: 1s
                risk:
                  approvers: ["http:bob"]
                  levels:
                    high: {approvals: 1}
              ops:
                workspace: ws/ops
                paths:
                  deny: ["secrets/**"]
            """;

    private static final Submitter BOB = Submitter.http("bob");

    @Override
    int window() {
        return 4;
    }

    @BeforeEach
    void lifeContract() {
        contract.set(parse(LIFE));
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 12, 13, 14})
    void storesRebuiltFromTheEventsEqualTheLiveOnes(int seed) {
        Random random = new Random(seed);
        for (int i = 1; i <= 12; i++) {
            submit(patch("m" + i, "main", "f" + i + ".txt", "v", i % 5 == 0 ? Risk.HIGH : null));
        }
        submit(patch("o1", "ops", "secrets/key", "k"));
        submit(patch("o2", "ops", "ok.txt", "fine"));
        send(new Command.Approve("main", "m5", BOB, clock.instant()));
        send(new Command.Reject("main", "m10", BOB, clock.instant(), "not now"));
        send(new Command.Cancel("main", "m3", ALICE, clock.instant(), "changed my mind"));

        simulateWorker(random);
        // Settle what quarantine left: one released, one discarded.
        drainEvents();
        List<String> quarantined = allEvents.stream().filter(e -> e.type().equals("Quarantined")).map(Event::patchId)
                .distinct().toList();
        if (!quarantined.isEmpty()) {
            send(new Command.Release("main", quarantined.get(0), ALICE, clock.instant()));
        }
        if (quarantined.size() > 1) {
            send(new Command.Discard("main", quarantined.get(1), ALICE, clock.instant()));
        }
        drainEvents();

        Map<String, DomainState> domains = new TreeMap<>();
        Map<String, PatchRecord> patches = new TreeMap<>();
        for (Event e : allEvents) {
            DomainState d = domains.getOrDefault(e.domain(), DomainState.fresh(e.domain()));
            domains.put(e.domain(), Evolve.domain(d, e));
            if (e.patchId() != null) {
                String key = Transition.patchKey(e.domain(), e.patchId());
                PatchRecord p = Evolve.patch(patches.get(key), e);
                if (p != null) {
                    patches.put(key, p);
                }
            }
        }

        assertThat(domains).isEqualTo(live(driver.getKeyValueStore(DeciderTopology.DOMAIN_STORE)));
        assertThat(patches).isEqualTo(live(driver.getKeyValueStore(DeciderTopology.PATCH_STORE)));
        assertThat(patches).hasSize(14);
        assertThat(allEvents).extracting(Event::type).contains("Dispatched", "Succeeded", "Rejected",
                "RejectedByApprover", "CancelRequested", "Approved");
    }

    private static <V> Map<String, V> live(KeyValueStore<String, V> store) {
        Map<String, V> out = new TreeMap<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, V> kv = all.next();
                out.put(kv.key, kv.value);
            }
        }
        return out;
    }
}
