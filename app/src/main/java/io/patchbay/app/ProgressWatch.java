package io.patchbay.app;

import io.patchbay.app.OffsetSampler.Watched;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.executor.decider.DeciderConfig;
import io.patchbay.executor.worker.WorkerConfig;
import io.patchbay.health.GroupProgress;
import io.patchbay.health.HealthRoutes;
import io.patchbay.health.ServiceProgress;
import io.patchbay.watchdog.WatchdogConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches whether the services this process runs make progress: every few seconds it samples their
 * consumer groups' offsets, folds the samples into a {@link GroupProgress} and judges each service
 * with its bound. Health asks it at each request; the log says when a service stalls and when it
 * moves again, which is all an executor without an HTTP server shows.
 *
 * <p>A group is the same on every instance of a cluster, so a stall found here may be of a partition
 * another instance holds: the pipeline does not move there either.
 */
final class ProgressWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressWatch.class);

    static final Watched DECIDER = new Watched("decider", DeciderConfig.DEFAULT_APPLICATION_ID,
            List.of(Topics.COMMANDS, Topics.RESULTS));
    static final Watched WORKER = new Watched("worker", WorkerConfig.DEFAULT_GROUP_ID, List.of(Topics.WORK));
    /** The watchdog reads back the alerts it writes, besides the event log. */
    static final Watched WATCHDOG = new Watched("watchdog", WatchdogConfig.DEFAULT_APPLICATION_ID,
            List.of(Topics.EVENTS, Topics.ALERTS));

    private final OffsetSampler sampler;
    private final List<Watched> watched;
    private final StallBounds bounds;
    private final Supplier<ExecutionContract> contract;
    private final Clock clock;
    private final AtomicReference<GroupProgress> judge = new AtomicReference<>(GroupProgress.empty());
    /** What was last logged per service, so that the log says each change once; the sampling thread's alone. */
    private final Map<String, ServiceProgress> logged = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "patchbay-progress");
        t.setDaemon(true);
        return t;
    });

    private ProgressWatch(OffsetSampler sampler, List<Watched> watched, StallBounds bounds,
            Supplier<ExecutionContract> contract, Clock clock) {
        this.sampler = sampler;
        this.watched = List.copyOf(watched);
        this.bounds = bounds;
        this.contract = contract;
        this.clock = clock;
    }

    /** Starts watching the groups of the executor and the watchdog this process runs; null when it runs neither. */
    static ProgressWatch startFor(Set<Role> roles, String bootstrapServers, StallBounds bounds,
            Supplier<ExecutionContract> contract) {
        var watched = new ArrayList<Watched>();
        if (roles.contains(Role.EXECUTOR)) {
            watched.add(DECIDER);
            watched.add(WORKER);
        }
        if (roles.contains(Role.WATCHDOG)) {
            watched.add(WATCHDOG);
        }
        if (watched.isEmpty()) {
            return null;
        }
        Duration every = bounds.sampleEvery();
        var watch = new ProgressWatch(new OffsetSampler(bootstrapServers, every.compareTo(Duration.ofSeconds(3)) < 0
                ? Duration.ofSeconds(3) : every), watched, bounds, contract, Clock.systemUTC());
        watch.timer.scheduleWithFixedDelay(watch::sampleOnce, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("watching the progress of {} every {}: stalled after {} unprocessed (the worker's orders: {})",
                watched.stream().map(Watched::service).toList(), TimelineFormat.human(every),
                TimelineFormat.human(bounds.streams()), TimelineFormat.human(bounds.worker(contract.get())));
        return watch;
    }

    /** Has {@code health} ask this watch whether each watched service makes progress. */
    void reportTo(HealthRoutes health) {
        watched.forEach(w -> health.progressBy(w.service(), () -> of(w)));
    }

    ServiceProgress of(Watched w) {
        Duration bound = w == WORKER ? bounds.worker(contract.get()) : bounds.streams();
        return judge.get().judge(w.service(), w.group(), bound, bounds.streams());
    }

    private void sampleOnce() {
        try {
            for (GroupProgress.Sample s : sampler.sample(watched, clock.instant())) {
                judge.updateAndGet(j -> j.fold(s));
            }
            watched.forEach(this::logChange);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The next round tries again; a watch that stopped would vouch for progress it no longer sees.
            LOG.warn("sampling the consumer groups' offsets failed: {}", e.toString());
        }
    }

    private void logChange(Watched w) {
        ServiceProgress now = of(w);
        ServiceProgress before = logged.getOrDefault(w.service(), ServiceProgress.MOVING);
        if (now.stalled() && !before.stalled()) {
            LOG.warn("{} makes no progress: {}", w.service(), String.join("; ", now.stalls()));
        } else if (!now.stalled() && before.stalled()) {
            LOG.info("{} makes progress again", w.service());
        }
        if (now.unmeasured().isPresent() && before.unmeasured().isEmpty()) {
            LOG.warn("{}", now.unmeasured().get());
        }
        logged.put(w.service(), now);
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdownNow();
        if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("the progress watch did not stop within 10 s");
        }
        sampler.close();
    }
}
