package io.patchbay.watchdog;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.Views;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Domain queries, each bound for the instance holding its domain, sent as one {@link PeerQuery#batch}
 * per instance: what {@code /health} and the dashboard ask about every domain costs one request per
 * other instance, however many domains it holds. Each part is checked as a lone routed query is: the
 * instance must still hold the partition its domain was planned on, or the whole answer is refused.
 */
final class DomainBatch {

    /** One domain's query: the store and input topic its holder is found by, and its answer's type. */
    record Part(String store, String topic, String domain, PeerQuery query, JavaType type) {}

    /** Waits for an instance's answer, turning silence and failure into {@link ViewsUnavailable}. */
    interface Await {
        PeerAnswer await(HostInfo host, CompletableFuture<PeerAnswer> answer);
    }

    private static final TypeFactory TYPES = Json.mapper().getTypeFactory();
    private static final JavaType FREEZE = TYPES.constructType(Freeze.class);
    private static final JavaType OUTCOMES = TYPES.constructType(Outcomes.class);
    private static final JavaType ALERTS = TYPES.constructCollectionType(List.class, Alert.class);

    private final ClusterViews.Cluster cluster;
    private final ViewQueries local;
    private final ClusterViews.Peers peers;
    private final Await await;

    DomainBatch(ClusterViews.Cluster cluster, ViewQueries local, ClusterViews.Peers peers, Await await) {
        this.cluster = cluster;
        this.local = local;
        this.peers = peers;
        this.await = await;
    }

    /** The freezes of {@code domains}: one request per other instance holding some of them. */
    Map<String, Freeze> freezes(Collection<String> domains) {
        List<String> names = List.copyOf(new TreeSet<>(domains));
        List<Object> answers = answers(names.stream()
                .map(d -> new DomainBatch.Part(WatchdogTopology.DOMAINS, Topics.EVENTS, d, PeerQuery.freeze(d), FREEZE)).toList());
        var out = new TreeMap<String, Freeze>();
        for (int i = 0; i < names.size(); i++) {
            if (answers.get(i) instanceof Freeze f) {
                out.put(names.get(i), f);
            }
        }
        return out;
    }

    /** {@link Views#overview} of each domain: one request per other instance holding some of them. */
    List<DomainOverview> overviews(Collection<DomainView> figures, Instant now) {
        Instant hour = now.minus(Views.HOUR);
        Instant day = now.minus(Views.DAY);
        var parts = new ArrayList<DomainBatch.Part>();
        for (DomainView f : figures) {
            String d = f.domain();
            parts.add(new DomainBatch.Part(WatchdogTopology.DOMAINS, Topics.EVENTS, d, PeerQuery.freeze(d), FREEZE));
            parts.add(new DomainBatch.Part(WatchdogTopology.OPEN_BREACHES, Topics.ALERTS, d, PeerQuery.openBreaches(d), ALERTS));
            parts.add(new DomainBatch.Part(WatchdogTopology.DOMAINS, Topics.EVENTS, d, PeerQuery.outcomes(d, hour, now), OUTCOMES));
            parts.add(new DomainBatch.Part(WatchdogTopology.DOMAINS, Topics.EVENTS, d, PeerQuery.outcomes(d, day, now), OUTCOMES));
        }
        List<Object> answers = answers(parts);
        var out = new ArrayList<DomainOverview>();
        int i = 0;
        for (DomainView f : figures) {
            Freeze freeze = (Freeze) answers.get(i);
            @SuppressWarnings("unchecked")
            List<Alert> open = (List<Alert>) answers.get(i + 1);
            out.add(new DomainOverview(f.domain(), freeze != null, f, freeze, open, (Outcomes) answers.get(i + 2),
                    (Outcomes) answers.get(i + 3)));
            i += 4;
        }
        return out;
    }

    /** Each part's answer, in the parts' order; null where the answer is none (a domain not frozen). */
    List<Object> answers(List<Part> parts) {
        Object[] out = new Object[parts.size()];
        var owners = new ArrayList<ClusterViews.Owner>();
        var byHost = new LinkedHashMap<HostInfo, List<Integer>>();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            ClusterViews.Owner owner = cluster.ownerOf(part.store(), part.domain());
            owners.add(owner);
            byHost.computeIfAbsent(owner.host(), h -> new ArrayList<>()).add(i);
        }
        // Every request leaves before any answer is awaited: the instances answer side by side.
        var pending = new LinkedHashMap<HostInfo, CompletableFuture<PeerAnswer>>();
        byHost.forEach((host, indices) -> {
            if (!host.equals(cluster.self())) {
                pending.put(host, peers.ask(host, PeerQuery.batch(indices.stream().map(i -> parts.get(i).query()).toList())));
            }
        });
        List<Integer> mine = byHost.getOrDefault(cluster.self(), List.of());
        mine.forEach(i -> out[i] = PeerAnswers.value(local, parts.get(i).query()));
        ViewsUnavailable trouble = null;
        for (Map.Entry<HostInfo, CompletableFuture<PeerAnswer>> e : pending.entrySet()) {
            try {
                fill(out, parts, owners, byHost.get(e.getKey()), e.getKey(), await.await(e.getKey(), e.getValue()));
            } catch (ViewsUnavailable u) {
                trouble = trouble == null ? u : trouble;
            }
        }
        if (trouble != null) {
            throw trouble;
        }
        return Arrays.asList(out);
    }

    private static void fill(Object[] out, List<Part> parts, List<ClusterViews.Owner> owners, List<Integer> indices,
            HostInfo host, PeerAnswer answer) {
        JsonNode answers = answer.answer();
        if (answers == null || !answers.isArray() || answers.size() != indices.size()) {
            throw new ViewsUnavailable("instance " + host + " answered " + (answers == null || !answers.isArray()
                    ? "no list" : answers.size() + " parts") + " to a batch of " + indices.size()
                    + " view queries; is it running an older version?");
        }
        for (int k = 0; k < indices.size(); k++) {
            int i = indices.get(k);
            Part part = parts.get(i);
            Set<Integer> held = Partitions.of(answer, part.topic());
            int planned = owners.get(i).partition();
            if (!held.contains(planned)) {
                throw new ViewsUnavailable("the views are moving between instances: " + host + " was to hold "
                        + part.topic() + "-" + planned + " for domain " + part.domain() + " but holds " + held);
            }
            out[i] = ClusterViews.convert(answers.get(k), part.type());
        }
    }
}
