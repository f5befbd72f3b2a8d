package io.patchbay.watchdog;

import io.patchbay.contracts.view.ViewsUnavailable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.state.HostInfo;

/** {@link ClusterViews.Cluster} as a running Kafka Streams instance's metadata tells it. */
final class StreamsCluster implements ClusterViews.Cluster {

    private static final Serializer<String> KEYS = Serdes.String().serializer();

    private final KafkaStreams streams;
    private final HostInfo self;
    private final TopicSizes sizes;

    StreamsCluster(KafkaStreams streams, HostInfo self, TopicSizes sizes) {
        this.streams = streams;
        this.self = self;
        this.sizes = sizes;
    }

    @Override
    public HostInfo self() {
        return self;
    }

    @Override
    public Map<HostInfo, Set<Integer>> owners(String store, String topic) {
        var out = new LinkedHashMap<HostInfo, Set<Integer>>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(store)) {
            var held = new TreeSet<Integer>();
            for (TopicPartition tp : m.topicPartitions()) {
                if (tp.topic().equals(topic)) {
                    held.add(tp.partition());
                }
            }
            if (held.isEmpty()) {
                continue;
            }
            if (m.hostInfo() == null || m.hostInfo().port() < 0) {
                throw new ViewsUnavailable("an instance holding " + topic + " partitions " + held
                        + " advertises no address (application.server); it cannot be asked");
            }
            out.put(m.hostInfo(), held);
        }
        return out;
    }

    @Override
    public ClusterViews.Owner ownerOf(String store, String key) {
        KeyQueryMetadata m = streams.queryMetadataForKey(store, key, KEYS);
        if (m == null || KeyQueryMetadata.NOT_AVAILABLE.equals(m) || m.activeHost() == null
                || m.activeHost().port() < 0) {
            throw new ViewsUnavailable("no instance holds the views of " + key + " right now (the cluster is rebalancing)");
        }
        return new ClusterViews.Owner(m.activeHost(), m.partition());
    }

    @Override
    public List<String> localPartitions() {
        var out = new ArrayList<String>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.topicPartitions().forEach(tp -> out.add(tp.toString()));
            }
        }
        out.sort(null);
        return out;
    }

    @Override
    public int partitionCount(String topic) {
        return sizes.partitions(topic);
    }
}
