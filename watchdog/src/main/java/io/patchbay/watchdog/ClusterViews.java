package io.patchbay.watchdog;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import io.patchbay.contracts.Json;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.Alerts;
import io.patchbay.contracts.view.DomainOverview;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Freeze;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.PatchStatus;
import io.patchbay.contracts.view.PatchView;
import io.patchbay.contracts.view.Views;
import io.patchbay.contracts.view.ViewsUnavailable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The views of a cluster of watchdog instances, each holding the stores of some input partitions.
 * A query about one domain goes to the instance holding that domain's partition; lists are gathered
 * from every instance holding partitions and merged by {@link ViewMerge}; a patch is asked of every
 * instance. Where this instance holds every partition, it answers from its own stores as a lone
 * instance does, without asking anybody.
 *
 * <p>Every answer is whole or refused: when an instance does not answer in time, or the partitions
 * the instances say they hold are not the ones the metadata planned with (a rebalance under way),
 * the query throws {@link ViewsUnavailable} instead of returning the part it has.
 *
 * <p>Longer than most classes: every read of {@link Views} has its routing here, side by side, so
 * that each can be checked against the others; batches of domain queries live in {@link DomainBatch}.
 */
final class ClusterViews {

    /** Who holds which input partitions, as Kafka Streams' metadata says. */
    interface Cluster {
        /** This instance, as it advertises itself ({@code application.server}). */
        HostInfo self();

        /** Each instance holding active partitions of {@code topic} for {@code store}, with their numbers. */
        Map<HostInfo, Set<Integer>> owners(String store, String topic);

        /** The instance holding the partition {@code key} was written to, and that partition. */
        Owner ownerOf(String store, String key);

        /** The input partitions this instance's active tasks hold now, as {@code topic-partition}. */
        List<String> localPartitions();

        /** How many partitions {@code topic} has, whether anybody holds them or not. */
        int partitionCount(String topic);
    }

    record Owner(HostInfo host, int partition) {}

    /** Sends a query to another instance; the future fails when the instance does not answer it. */
    interface Peers {
        CompletableFuture<PeerAnswer> ask(HostInfo host, PeerQuery query);
    }

    /*
     * Every watchdog store is filled from one input topic keyed by domain, so the partition a record
     * went to is decided by its domain alone. The domain-keyed stores (domains, freezes) and those
     * whose keys start with the domain (index, quarantine, outcomes, alerts) live with that
     * partition: asking Streams where the domain's key goes names their holder. The patches store is
     * keyed by patch id, but a patch lives where its domain's partition is; hashing the id would name
     * an unrelated partition, and the id does not tell the domain, so a patch is asked of everybody.
     */
    private static final String EVENT_STORE = WatchdogTopology.DOMAINS;
    private static final String ALERT_STORE = WatchdogTopology.OPEN_BREACHES;

    private static final TypeFactory TYPES = Json.mapper().getTypeFactory();
    private static final JavaType PATCH = TYPES.constructType(PatchView.class);
    private static final JavaType PATCHES = TYPES.constructCollectionType(List.class, PatchView.class);
    private static final JavaType DOMAINS = TYPES.constructCollectionType(List.class, DomainView.class);
    private static final JavaType FREEZE = TYPES.constructType(Freeze.class);
    private static final JavaType OUTCOMES = TYPES.constructType(Outcomes.class);
    private static final JavaType ALERTS = TYPES.constructCollectionType(List.class, Alert.class);
    private static final JavaType HELD = TYPES.constructCollectionType(List.class, HeldPatch.class);

    private final Cluster cluster;
    private final ViewQueries local;
    private final Peers peers;
    private final Duration timeout;
    private final DomainBatch batch;

    /** @param timeout how long a gathered or forwarded answer may take, on top of the peers' own timeouts */
    ClusterViews(Cluster cluster, ViewQueries local, Peers peers, Duration timeout) {
        this.cluster = cluster;
        this.local = local;
        this.peers = peers;
        this.timeout = timeout;
        this.batch = new DomainBatch(cluster, local, peers, this::await);
    }

    Optional<PatchView> patch(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Map<HostInfo, Set<Integer>> owners = cluster.owners(EVENT_STORE, Topics.EVENTS);
        if (onlySelf(owners)) {
            return local.patch(id);
        }
        Optional<PatchView> here = local.patch(id);
        if (here.isPresent()) {
            return here;
        }
        Map<HostInfo, Object> answers = ask(owners, Topics.EVENTS, PeerQuery.patch(id), PATCH, true);
        return answers.values().stream().filter(PatchView.class::isInstance).map(PatchView.class::cast).findFirst();
    }

    List<DomainView> domains() {
        return gather(EVENT_STORE, Topics.EVENTS, PeerQuery.domainsQuery(), DOMAINS, local::domains, ViewMerge::domains);
    }

    List<PatchView> patches(String domain, PatchStatus status, int limit) {
        if (domain != null) {
            return routed(EVENT_STORE, Topics.EVENTS, domain, PeerQuery.patches(domain, status, limit), PATCHES,
                    () -> local.patches(domain, status, limit));
        }
        return gather(EVENT_STORE, Topics.EVENTS, PeerQuery.patches(null, status, limit), PATCHES,
                () -> local.patches(null, status, limit), parts -> ViewMerge.patches(parts, limit));
    }

    Optional<Freeze> freeze(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(routed(EVENT_STORE, Topics.EVENTS, domain, PeerQuery.freeze(domain), FREEZE,
                () -> local.freeze(domain).orElse(null)));
    }

    Outcomes outcomes(String domain, Instant since, Instant until) {
        return routed(EVENT_STORE, Topics.EVENTS, domain, PeerQuery.outcomes(domain, since, until), OUTCOMES,
                () -> local.outcomes(domain, since, until));
    }

    /** The freezes of {@code domains}: one request per other instance holding some of them. */
    Map<String, Freeze> freezes(Collection<String> domains) {
        return batch.freezes(domains);
    }

    /** {@link Views#overview} of each domain: one request per other instance holding some of them. */
    List<DomainOverview> overviews(Collection<DomainView> figures, Instant now) {
        return batch.overviews(figures, now);
    }

    List<Alert> alerts(String domain, Instant since, int limit) {
        if (domain != null) {
            return routed(ALERT_STORE, Topics.ALERTS, domain, PeerQuery.alerts(List.of(domain), since, limit), ALERTS,
                    () -> local.alerts(domain, since, limit));
        }
        Map<HostInfo, Set<Integer>> owners = cluster.owners(ALERT_STORE, Topics.ALERTS);
        if (onlySelf(owners) && onlySelf(cluster.owners(EVENT_STORE, Topics.EVENTS))) {
            return local.alerts(null, since, limit);
        }
        // The instance holding a domain's alerts need not hold its events: name every domain of the cluster.
        var names = new TreeSet<String>();
        names.add(Alerts.ALL_DOMAINS);
        domains().forEach(d -> names.add(d.domain()));
        openBreaches(null).forEach(a -> names.add(a.domain()));
        PeerQuery query = PeerQuery.alerts(List.copyOf(names), since, limit);
        return ViewMerge.alerts(typed(ask(owners, Topics.ALERTS, query, ALERTS, false)), limit);
    }

    List<Alert> openBreaches(String domain) {
        if (domain != null) {
            return routed(ALERT_STORE, Topics.ALERTS, domain, PeerQuery.openBreaches(domain), ALERTS,
                    () -> local.openBreaches(domain));
        }
        return gather(ALERT_STORE, Topics.ALERTS, PeerQuery.openBreaches(null), ALERTS, () -> local.openBreaches(null),
                ViewMerge::openBreaches);
    }

    List<PatchView> quarantine(String domain, int limit) {
        if (domain != null) {
            List<HeldPatch> held = routed(EVENT_STORE, Topics.EVENTS, domain, PeerQuery.quarantine(domain, limit), HELD,
                    () -> local.held(domain, limit));
            return held.stream().map(HeldPatch::patch).toList();
        }
        Map<HostInfo, Set<Integer>> owners = cluster.owners(EVENT_STORE, Topics.EVENTS);
        if (onlySelf(owners)) {
            return local.quarantine(null, limit);
        }
        return ViewMerge.quarantine(typed(ask(owners, Topics.EVENTS, PeerQuery.quarantine(null, limit), HELD, false)),
                limit);
    }

    /** This instance's answer from its own stores, as a peer receives it. */
    PeerAnswer answerLocally(PeerQuery query) {
        return PeerAnswers.answer(local, query, cluster.localPartitions());
    }

    private boolean onlySelf(Map<HostInfo, Set<Integer>> owners) {
        return owners.size() == 1 && owners.containsKey(cluster.self());
    }

    private <T> T gather(String store, String topic, PeerQuery query, JavaType type, Supplier<T> alone,
            java.util.function.Function<List<T>, T> merge) {
        Map<HostInfo, Set<Integer>> owners = cluster.owners(store, topic);
        if (onlySelf(owners)) {
            return alone.get();
        }
        return merge.apply(typed(ask(owners, topic, query, type, false)));
    }

    private <T> T routed(String store, String topic, String domain, PeerQuery query, JavaType type, Supplier<T> alone) {
        Owner owner = cluster.ownerOf(store, domain);
        if (owner.host().equals(cluster.self())) {
            return alone.get();
        }
        PeerAnswer answer = await(owner.host(), peers.ask(owner.host(), query));
        Set<Integer> held = Partitions.of(answer, topic);
        if (!held.contains(owner.partition())) {
            throw new ViewsUnavailable("the views are moving between instances: " + owner.host() + " was to hold "
                    + topic + "-" + owner.partition() + " for domain " + domain + " but holds " + held);
        }
        return convert(answer.answer(), type);
    }

    /**
     * Asks every owner (this instance from its own stores) and checks that together they held every
     * partition once. With {@code firstFound}, one non-null answer is enough and others that failed
     * do not matter: a patch lives in one partition only.
     */
    private Map<HostInfo, Object> ask(Map<HostInfo, Set<Integer>> owners, String topic, PeerQuery query, JavaType type,
            boolean firstFound) {
        Partitions.checkComplete(topic, cluster.partitionCount(topic), owners);
        var pending = new LinkedHashMap<HostInfo, CompletableFuture<PeerAnswer>>();
        owners.keySet().forEach(h -> pending.put(h, answerFrom(h, query)));
        var answers = new LinkedHashMap<HostInfo, Object>();
        ViewsUnavailable trouble = null;
        for (Map.Entry<HostInfo, CompletableFuture<PeerAnswer>> e : pending.entrySet()) {
            try {
                PeerAnswer answer = await(e.getKey(), e.getValue());
                Set<Integer> held = Partitions.of(answer, topic);
                if (!held.equals(owners.get(e.getKey()))) {
                    throw new ViewsUnavailable("the views are moving between instances: " + e.getKey() + " holds "
                            + topic + " partitions " + held + ", the metadata says " + owners.get(e.getKey()));
                }
                Object value = convert(answer.answer(), type);
                if (firstFound && value != null) {
                    return Map.of(e.getKey(), value);
                }
                answers.put(e.getKey(), value);
            } catch (ViewsUnavailable u) {
                trouble = trouble == null ? u : trouble;
            }
        }
        if (trouble != null) {
            throw trouble;
        }
        return answers;
    }

    private CompletableFuture<PeerAnswer> answerFrom(HostInfo host, PeerQuery query) {
        if (!host.equals(cluster.self())) {
            return peers.ask(host, query);
        }
        try {
            return CompletableFuture.completedFuture(answerLocally(query));
        } catch (InvalidStateStoreException e) {
            return CompletableFuture.failedFuture(new ViewsUnavailable(
                    "this instance's views are moving (" + e.getMessage() + ")", e));
        }
    }

    PeerAnswer await(HostInfo host, CompletableFuture<PeerAnswer> answer) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new ViewsUnavailable("instance " + host + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ViewsUnavailable u) {
                throw u;
            }
            throw new ViewsUnavailable("instance " + host + " did not answer: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ViewsUnavailable("interrupted while asking instance " + host, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> typed(Map<HostInfo, Object> answers) {
        var out = new ArrayList<T>();
        answers.values().forEach(a -> out.add((T) a));
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T> T convert(JsonNode node, JavaType type) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return (T) Json.mapper().convertValue(node, type);
    }
}
