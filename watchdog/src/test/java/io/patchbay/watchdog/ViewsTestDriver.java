package io.patchbay.watchdog;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A {@link TopologyTestDriver} over the watchdog topology, with the same queries the service answers. */
final class ViewsTestDriver implements AutoCloseable {

    final TopologyTestDriver driver;
    final ViewQueries views;
    private final TestInputTopic<String, Event> events;
    private final boolean alerts;
    private final List<Event> piped = new ArrayList<>();

    ViewsTestDriver(Topology topology, Path stateDir, boolean alerts) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "watchdog-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        events = driver.createInputTopic(Topics.EVENTS, Topics.KEY.serializer(), Topics.EVENT.serializer());
        this.alerts = alerts;
        views = new ViewQueries(new ViewQueries.StoreSource() {
            @Override
            public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
                return driver.getKeyValueStore(name);
            }
        });
    }

    void pipe(Event... log) {
        for (Event e : log) {
            events.pipeInput(e.domain(), e);
            piped.add(e);
        }
    }

    /** Every event piped so far, in order: the log as this driver saw it. */
    List<Event> piped() {
        return List.copyOf(piped);
    }

    /** Alerts as another service (or an earlier run) wrote them to {@code patchbay.alerts}. */
    void pipeAlerts(List<Alert> written) {
        TestInputTopic<String, Alert> in =
                driver.createInputTopic(Topics.ALERTS, Topics.KEY.serializer(), Topics.ALERT.serializer());
        for (Alert a : written) {
            in.pipeInput(a.domain(), a, a.at());
        }
    }

    /** Every key-value store's content, values as canonical JSON, by store name. */
    Map<String, Map<String, String>> snapshot() {
        var out = new TreeMap<String, Map<String, String>>();
        driver.getAllStateStores().forEach((name, store) -> {
            var content = new TreeMap<String, String>();
            try (KeyValueIterator<Object, Object> it = driver.getKeyValueStore(name).all()) {
                it.forEachRemaining(kv -> content.put(String.valueOf(kv.key), Json.canonical(kv.value)));
            }
            out.put(name, content);
        });
        return out;
    }

    void advanceWallClock(Duration d) {
        driver.advanceWallClockTime(d);
    }

    List<Alert> alerts() {
        if (!alerts) {
            throw new IllegalStateException("this topology has no alert sink");
        }
        TestOutputTopic<String, Alert> out =
                driver.createOutputTopic(Topics.ALERTS, Topics.KEY.deserializer(), Topics.ALERT.deserializer());
        return out.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
    }

    long storeSize(String name) {
        return driver.getKeyValueStore(name).approximateNumEntries();
    }
}
