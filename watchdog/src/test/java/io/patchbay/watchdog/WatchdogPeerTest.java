package io.patchbay.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an instance takes part in a cluster's queries: what it advertises, and what it answers its peers. */
class WatchdogPeerTest {

    @TempDir
    Path dir;

    private WatchdogConfig config(String advertised) {
        return new WatchdogConfig("127.0.0.1:9", "watchdog-test", dir, 1, null, null, 0, advertised);
    }

    @Test
    void advertisesItsAddressAsTheApplicationServerOnlyWhenGivenOne() {
        assertThat(Watchdog.streamsProperties(config("patchbay-2.internal:8081")))
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "patchbay-2.internal:8081");
        assertThat(Watchdog.streamsProperties(config(null))).doesNotContainKey(StreamsConfig.APPLICATION_SERVER_CONFIG);
        assertThat(config(" ").advertisedServer()).isNull();
    }

    @Test
    void refusesAnAddressOthersCouldNotReach() {
        assertThatThrownBy(() -> config("patchbay-2.internal")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> config("patchbay-2.internal:http")).hasMessageContaining("host:port");
        assertThatThrownBy(() -> config("patchbay-2.internal:70000")).hasMessageContaining("1 to 65535");
    }

    @Test
    void refusesPeersWhileItsViewsAreNotServedAndQueriesItCannotRead() {
        try (Watchdog watchdog = new Watchdog(config("127.0.0.1:18080"))) {
            assertThatThrownBy(() -> watchdog.answerPeer("{\"kind\":\"DOMAINS\"}")).isInstanceOf(ViewsUnavailable.class)
                    .hasMessageContaining("not being served").hasMessageContaining("CREATED");
            assertThatThrownBy(() -> watchdog.answerPeer("{\"kind\":\"TELEPORT\"}"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a view query");
            assertThatThrownBy(() -> watchdog.answerPeer("{}")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> watchdog.answerPeer("{\"kind\":\"BATCH\",\"batch\":[{\"kind\":\"BATCH\"}]}"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot hold another batch");
        }
    }

    @Test
    void aBatchOfQueriesKeepsItsPartsAndTheirOrderOnTheWire() {
        PeerQuery batch = PeerQuery.batch(List.of(PeerQuery.freeze("beta"), PeerQuery.openBreaches("alpha"),
                PeerQuery.outcomes("beta", Instant.parse("2026-11-23T10:00:00Z"), Instant.parse("2026-11-23T11:00:00Z"))));
        assertThat(Json.read(Json.canonical(batch), PeerQuery.class)).isEqualTo(batch);
        assertThat(Json.read("{\"kind\":\"FREEZE\",\"domain\":\"beta\"}", PeerQuery.class).batch())
                .as("a query of an instance that knows no batches").isEmpty();
    }
}
