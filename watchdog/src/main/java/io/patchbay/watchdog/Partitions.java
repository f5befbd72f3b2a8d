package io.patchbay.watchdog;

import io.patchbay.contracts.view.ViewsUnavailable;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.HostInfo;

/** Which input partitions the instances of a cluster hold, and whether together they hold all. */
final class Partitions {

    private Partitions() {}

    /**
     * The owners must hold each of the topic's {@code partitions} exactly once; else a rebalance is
     * under way. The count comes from the brokers, not from the owners: only then does a partition
     * nobody holds, the last one as well as any other, show.
     */
    static void checkComplete(String topic, int partitions, Map<HostInfo, Set<Integer>> owners) {
        var all = new TreeSet<Integer>();
        int count = 0;
        for (Set<Integer> held : owners.values()) {
            all.addAll(held);
            count += held.size();
        }
        boolean whole = partitions > 0 && count == partitions && all.size() == partitions && all.first() == 0
                && all.last() == partitions - 1;
        if (!whole) {
            throw new ViewsUnavailable("the views are being assigned to instances: the partitions of " + topic
                    + " held are " + owners + " of " + partitions + "; not every partition has exactly one holder");
        }
    }

    /** The partitions of {@code topic} an answer says its instance held. */
    static Set<Integer> of(PeerAnswer answer, String topic) {
        var out = new TreeSet<Integer>();
        String prefix = topic + "-";
        for (String p : answer.partitions()) {
            if (p.startsWith(prefix)) {
                try {
                    out.add(Integer.parseInt(p.substring(prefix.length())));
                } catch (NumberFormatException e) {
                    // another topic whose name starts like this one's ("patchbay.events-x-y"): not ours
                }
            }
        }
        return out;
    }
}
