package io.patchbay.health;

import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.patchbay.contracts.view.Alert;
import io.patchbay.contracts.view.DomainView;
import io.patchbay.contracts.view.Outcomes;
import io.patchbay.contracts.view.Views;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in the Prometheus text format: patchbay's own figures from the watchdog's
 * views (per domain: queue depth, in flight, quarantined, oldest pending age, frozen, open SLA
 * breaches, patches ended by outcome, the last hour's latency percentiles, success rate and mean
 * score), the metrics of whichever Kafka clients and Streams instances the process binds, and the
 * JVM's. The views are read once per scrape, not once per gauge.
 */
public final class Metrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Metrics.class);
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** One domain's figures as of the last scrape. */
    private record DomainFigures(DomainView view, boolean frozen, int openBreaches, Outcomes lastHour) {}

    private final Views views;
    private final Clock clock;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final Set<String> domainsWithMeters = ConcurrentHashMap.newKeySet();
    private volatile Map<String, DomainFigures> figures = Map.of();
    private volatile boolean ready;

    public Metrics(Views views, Clock clock) {
        this.views = Objects.requireNonNull(views, "views");
        this.clock = Objects.requireNonNull(clock, "clock");
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("patchbay.views.ready", this, m -> m.ready ? 1 : 0)
                .description("1 while the watchdog's views are being served").register(registry);
    }

    /** The registry, for a service that wants to add meters of its own. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Exposes a Kafka Streams instance's metrics, tagged {@code service=name}. */
    public synchronized Metrics bindStreams(String name, KafkaStreams streams) {
        var binder = new KafkaStreamsMetrics(streams, Tags.of("service", name));
        binder.bindTo(registry);
        binders.add(binder);
        return this;
    }

    /** Exposes a Kafka producer's metrics, tagged {@code service=name}. */
    public synchronized Metrics bindProducer(String name, Producer<?, ?> producer) {
        return bindClient(new KafkaClientMetrics(producer, Tags.of("service", name)));
    }

    /** Exposes a Kafka consumer's metrics, tagged {@code service=name}. */
    public synchronized Metrics bindConsumer(String name, Consumer<?, ?> consumer) {
        return bindClient(new KafkaClientMetrics(consumer, Tags.of("service", name)));
    }

    /**
     * Exposes a Kafka admin client's metrics, tagged {@code service=name}. {@code Admin.create} makes
     * an {@link AdminClient}; another implementation of {@link Admin} has no metrics to bind.
     */
    public synchronized Metrics bindAdmin(String name, Admin admin) {
        if (admin instanceof AdminClient client) {
            return bindClient(new KafkaClientMetrics(client, Tags.of("service", name)));
        }
        log.warn("the admin client of {} is a {}, whose metrics cannot be bound", name, admin.getClass().getName());
        return this;
    }

    private Metrics bindClient(KafkaClientMetrics binder) {
        binder.bindTo(registry);
        binders.add(binder);
        return this;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/metrics", Responses.guarded(ctx -> {
            ctx.header("Cache-Control", "no-store");
            ctx.contentType(CONTENT_TYPE).result(scrape());
        }));
    }

    /** The Prometheus text, with patchbay's figures read from the views now. */
    public String scrape() {
        refresh(clock.instant());
        return registry.scrape();
    }

    private void refresh(Instant now) {
        ready = views.ready();
        Map<String, List<Alert>> open = HealthCheck.openBreaches(views);
        var next = new HashMap<String, DomainFigures>();
        for (DomainView d : views.domains()) {
            next.put(d.domain(), new DomainFigures(d, views.freeze(d.domain()).isPresent(),
                    open.getOrDefault(d.domain(), List.of()).size(), views.outcomes(d.domain(), now.minus(Views.HOUR), now)));
        }
        figures = Map.copyOf(next);
        for (String domain : next.keySet()) {
            if (domainsWithMeters.add(domain)) {
                register(domain);
            }
        }
    }

    /** Meters of a domain, registered when it first shows; a domain that goes away reads as NaN. */
    private void register(String domain) {
        Tags tags = Tags.of("domain", domain);
        gauge("patchbay.queue.depth", "patches waiting to run", tags, domain, f -> f.view().queueDepth());
        gauge("patchbay.in.flight", "patches dispatched or running", tags, domain, f -> f.view().inFlight());
        gauge("patchbay.awaiting.approval", "patches held for approval", tags, domain, f -> f.view().awaitingApproval());
        gauge("patchbay.quarantined", "patches in quarantine", tags, domain, f -> f.view().quarantined());
        gauge("patchbay.frozen", "1 while drift keeps the domain frozen", tags, domain, f -> f.frozen() ? 1 : 0);
        gauge("patchbay.sla.breaches", "SLA limits breached now", tags, domain, DomainFigures::openBreaches);
        gauge("patchbay.chain.seq", "position of the domain's event chain head", tags, domain, f -> f.view().lastSeq());
        Gauge.builder("patchbay.oldest.pending.age", this, m -> m.value(domain, f -> f.view().oldestPendingSince() == null ? 0
                        : Math.max(0, Duration.between(f.view().oldestPendingSince(), clock.instant()).toMillis() / 1000.0)))
                .description("how long the oldest pending patch has waited").baseUnit("seconds").tags(tags).register(registry);
        gauge("patchbay.last.hour.success.rate", "succeeded / ran over the last hour (NaN when none ran)", tags, domain,
                f -> f.lastHour().successRate() == null ? Double.NaN : f.lastHour().successRate());
        gauge("patchbay.last.hour.mean.score", "mean rubric score over the last hour (NaN when none was scored)", tags,
                domain, f -> f.lastHour().meanScore() == null ? Double.NaN : f.lastHour().meanScore());
        for (var q : Map.<String, ToDoubleFunction<DomainFigures>>of(
                "0.5", f -> f.lastHour().latency().p50Ms(),
                "0.9", f -> f.lastHour().latency().p90Ms(),
                "0.99", f -> f.lastHour().latency().p99Ms()).entrySet()) {
            Gauge.builder("patchbay.last.hour.latency", this, m -> m.value(domain,
                            f -> f.lastHour().latency().count() == 0 ? Double.NaN : q.getValue().applyAsDouble(f) / 1000.0))
                    .description("submission to end of the last hour's runs, by quantile").baseUnit("seconds")
                    .tags(tags.and("quantile", q.getKey())).register(registry);
        }
        for (var outcome : Map.<String, ToDoubleFunction<DomainFigures>>of(
                "succeeded", f -> f.view().succeeded(),
                "failed", f -> f.view().failed(),
                "rejected", f -> f.view().rejected(),
                "cancelled", f -> f.view().cancelled()).entrySet()) {
            FunctionCounter.builder("patchbay.patches.ended", this, m -> m.value(domain, outcome.getValue()))
                    .description("patches that ended, by outcome").tags(tags.and("outcome", outcome.getKey()))
                    .register(registry);
        }
        log.debug("metrics registered for domain {}", domain);
    }

    private void gauge(String name, String description, Tags tags, String domain, ToDoubleFunction<DomainFigures> f) {
        Gauge.builder(name, this, m -> m.value(domain, f)).description(description).tags(tags).register(registry);
    }

    private double value(String domain, ToDoubleFunction<DomainFigures> f) {
        DomainFigures d = figures.get(domain);
        return d == null ? Double.NaN : f.applyAsDouble(d);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                log.warn("closing a metrics binder failed: {}", e.toString());
            }
        }
        binders.clear();
        registry.close();
    }
}
