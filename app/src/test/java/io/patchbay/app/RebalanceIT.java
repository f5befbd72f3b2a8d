package io.patchbay.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.topic.Topics;
import io.patchbay.ingest.KafkaCommandPublisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guarantee 4 under rebalancing: executor instances of one worker group (each its own OS process
 * with its own home) serve four domains whose working trees all live in ONE shared folder, as
 * machines sharing a network folder would. Patches with gates that take seconds stream in while,
 * every few seconds, an instance joins, one leaves (SIGTERM), one is killed with SIGKILL and
 * started again, or one is paused with SIGSTOP for longer than the worker's session timeout and
 * then resumed, so that it wakes up mid-patch after the group has given its domains to another.
 *
 * <p>Afterwards: every patch ended exactly once, as Succeeded; each domain's history holds every
 * patch once, in submission order, and its tree equals applying the patches one at a time (each
 * patch's diff needs the line its predecessor added, so a patch that ran early, twice or beside
 * another does not apply or leaves a different tree); and the workers' own records (the
 * {@code tree taken} and {@code tree released} lines each worker logs with its pid and the wall
 * clock in microseconds) show no two processes holding one domain's tree at once.
 *
 * <p>The faults are paced by what the group can take, not only by the clock: one JVM starts at a
 * time, two workers always work, and a pause is never followed at once by another. With Kafka's
 * classic group protocol a paused member holds up every reassignment until its session expires, so
 * the last seconds of a pause are kept free of other faults: the group is settled when the paused
 * member drops out, and another worker takes its domain before it wakes.
 *
 * <p>{@code -Dpatchbay.rebalance.fence=off} starts the instances with {@code PATCHBAY_WORKER_FENCE=off}
 * to show what the fence prevents: the test then fails (overlapping holds, patches that end twice
 * or never, trees that differ). The default size, 120 patches, runs in about three minutes on two
 * cores and shows each fault at least once; the long profile is e.g.
 * {@code -Dpatchbay.rebalance.patches=600}. Other knobs: {@code .faults} (how many, one tenth of the
 * patches by default), {@code .chaosEvery} (seconds between faults, 6), {@code .pause} (seconds a paused
 * instance stays paused, 55: past the 45 s session timeout, with time for another worker to take its
 * domains over before it wakes), {@code .stall} (seconds without a patch ending before the test gives
 * up waiting, 150), {@code .seed}. The figures are logged as one line starting {@code rebalance figures:}; the
 * instances' logs are kept in {@code app/target/rebalance-it/}.
 */
class RebalanceIT {

    private static final Logger LOG = LoggerFactory.getLogger(RebalanceIT.class);
    private static final int PARTITIONS = 4;
    private static final int INITIAL_INSTANCES = 3;
    /** As many processes as partitions, the paused and the starting included. */
    private static final int MAX_ALIVE = 4;
    private static final Duration SETTLE_AFTER_PAUSE = Duration.ofSeconds(20);
    private static final Duration QUIET_BEFORE_RESUME = Duration.ofSeconds(30);
    private static final Duration TAKEOVER_WINDOW = Duration.ofSeconds(10);
    private static final Pattern HOLD = Pattern.compile(
            "domain (\\S+): tree (taken|released) by (\\S+) pid (\\d+) at (\\d+) us");

    private enum Fault { PAUSE, KILL, JOIN, LEAVE }

    /** One instance of the group, across its restarts. */
    private static final class Member {
        final PatchbayProcess process;
        volatile boolean paused;
        /** When it was paused ({@link System#nanoTime()}). */
        volatile long pausedAt;
        volatile boolean leaving;
        /** How long its log was when its current process started: what that process wrote comes after. */
        volatile long logAtStart;

        Member(PatchbayProcess process) {
            this.process = process;
        }

        void start() throws IOException {
            logAtStart = Files.exists(process.log()) ? Files.size(process.log()) : 0;
            process.start();
        }

        /**
         * Its current process's worker has been through a rebalance of the group (it logs what it was
         * given, if only nothing): it is a member, not just a process.
         */
        boolean up() {
            return process.alive() && wroteSinceStart("now serves [");
        }

        boolean active() {
            return up() && !paused && !leaving;
        }

        boolean starting() {
            return process.alive() && !up();
        }

        boolean wroteSinceStart(String text) {
            try {
                byte[] log = Files.readAllBytes(process.log());
                int from = (int) Math.min(logAtStart, log.length);
                return new String(log, from, log.length - from, StandardCharsets.UTF_8).contains(text);
            } catch (IOException e) {
                // Not written yet: the process is still starting.
                return false;
            }
        }
    }

    @TempDir
    Path dir;

    private EmbeddedKafka kafka;
    private EndWatch watch;
    private ScheduledExecutorService chaos;
    private final List<Member> members = Collections.synchronizedList(new ArrayList<>());
    /** When each process ended, in wall-clock microseconds, as the test saw it: the end of a hold it never released. */
    private final Map<Long, Long> endedAt = new ConcurrentHashMap<>();
    private final Map<Fault, AtomicInteger> faults = new EnumMap<>(Fault.class);
    private final List<Pause> pauses = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Void>> leaving = Collections.synchronizedList(new ArrayList<>());
    /** When the last paused instance was resumed ({@link System#nanoTime()}). */
    private volatile long lastResume = System.nanoTime() - SETTLE_AFTER_PAUSE.toNanos();
    private String contract;
    private Map<String, String> environment;
    private Random random;
    /** How long a paused instance stays paused. */
    private Duration pause;

    @AfterEach
    void stop() throws Exception {
        if (chaos != null) {
            chaos.shutdownNow();
        }
        Path kept = Files.createDirectories(Path.of("target", "rebalance-it"));
        try (Stream<Path> old = Files.list(kept)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        synchronized (members) {
            for (Member m : members) {
                m.process.kill();
                if (Files.exists(m.process.log())) {
                    Files.copy(m.process.log(), kept.resolve(m.process.name + ".log"),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (watch != null) {
            watch.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void patchesLandOnceInOrderAndNoTwoWorkersHoldADomainAtOnceWhileWorkersJoinLeaveDieAndPause() throws Exception {
        long began = System.nanoTime();
        int patches = Integer.getInteger("patchbay.rebalance.patches", 120);
        Duration chaosEvery = Duration.ofSeconds(Long.getLong("patchbay.rebalance.chaosEvery", 6));
        pause = Duration.ofSeconds(Long.getLong("patchbay.rebalance.pause", 55));
        int maxFaults = Integer.getInteger("patchbay.rebalance.faults", Math.max(8, patches / 10));
        boolean fenceOff = "off".equals(System.getProperty("patchbay.rebalance.fence"));
        long seed = Long.getLong("patchbay.rebalance.seed", System.nanoTime());
        random = new Random(seed);
        environment = fenceOff ? Map.of("PATCHBAY_WORKER_FENCE", "off") : Map.of();
        for (Fault f : Fault.values()) {
            faults.put(f, new AtomicInteger());
        }
        LOG.info("rebalance test: {} patches, up to {} faults, one every {} s, pauses of {} s, fence {}, seed {}",
                patches, maxFaults, chaosEvery.toSeconds(), pause.toSeconds(), fenceOff ? "OFF" : "on", seed);

        List<String> domains = onePerPartition();
        Path trees = Files.createDirectories(dir.resolve("trees"));
        for (String d : domains) {
            seed(trees.resolve(d), d);
        }
        contract = contract(domains, trees);
        ContractLoader.parse(contract.getBytes(StandardCharsets.UTF_8), "rebalance test");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicSetup.ensure(kafka.bootstrapServers(), PARTITIONS, (short) 1);
        watch = new EndWatch(kafka.bootstrapServers());

        for (int i = 0; i < INITIAL_INSTANCES; i++) {
            join();
        }
        List<Member> initial = List.copyOf(members);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                .until(() -> initial.stream().allMatch(RebalanceIT::servesPartitions));
        long groupUp = System.nanoTime();
        LOG.info("{} instances serve the work partitions after {} ms", INITIAL_INSTANCES,
                (groupUp - began) / 1_000_000);

        // Patches stream in, one per domain a second, while the faults begin.
        Map<String, List<Patch>> byDomain = new LinkedHashMap<>();
        domains.forEach(d -> byDomain.put(d, new ArrayList<>()));
        List<Patch> all = new ArrayList<>();
        for (int i = 0; i < patches; i++) {
            String d = domains.get(i % domains.size());
            List<Patch> mine = byDomain.get(d);
            Patch p = patch(d, mine.size() + 1, 1 + random.nextInt(3));
            mine.add(p);
            all.add(p);
        }
        var submitted = new AtomicInteger();
        var publisher = new KafkaCommandPublisher(kafka.bootstrapServers());
        chaos = Executors.newScheduledThreadPool(3);
        chaos.scheduleAtFixedRate(() -> {
            for (int k = 0; k < domains.size() && submitted.get() < patches; k++) {
                Patch p = all.get(submitted.get());
                try {
                    publisher.publish(new Command.Submit(p, Submitter.spool(p.domain()), Instant.now()));
                    submitted.incrementAndGet();
                } catch (RuntimeException | io.patchbay.ingest.PublishException e) {
                    LOG.warn("submitting {} failed, trying again: {}", p.id(), e.toString());
                    return;
                }
            }
        }, 0, 1, TimeUnit.SECONDS);
        chaos.scheduleWithFixedDelay(() -> fault(patches, maxFaults), chaosEvery.toMillis(), chaosEvery.toMillis(),
                TimeUnit.MILLISECONDS);

        var soft = new SoftAssertions();
        long[] lastEnd = {System.nanoTime(), 0};
        Duration stall = Duration.ofSeconds(Long.getLong("patchbay.rebalance.stall", 150));
        try {
            // Bounded by progress, not by a total: the faults may hold a domain for a pause and a session timeout.
            await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                int ended = watch.ended().size();
                if (ended > lastEnd[1]) {
                    lastEnd[0] = System.nanoTime();
                    lastEnd[1] = ended;
                }
                if (System.nanoTime() - lastEnd[0] > stall.toNanos()) {
                    throw new AssertionError("no patch ended for " + stall.toSeconds() + " s; " + ended + " of "
                            + patches + " ended");
                }
                return submitted.get() == patches && watch.ended().keySet().containsAll(ids(all));
            });
        } catch (AssertionError e) {
            soft.fail("waiting for every patch to end: " + e.getMessage() + "; not ended per domain: "
                    + notEnded(byDomain));
        }
        long allEnded = System.nanoTime();
        chaos.shutdownNow();
        chaos.awaitTermination(1, TimeUnit.MINUTES);
        publisher.close();
        endEveryInstance();

        List<Event> events = PatchbayClient.readAll(kafka.bootstrapServers(), Topics.EVENTS,
                Topics.EVENT.deserializer());
        Map<String, List<String>> terminals = events.stream().filter(e -> e.body().terminal())
                .collect(Collectors.groupingBy(Event::patchId, Collectors.mapping(Event::type, Collectors.toList())));
        for (Patch p : all) {
            soft.assertThat(terminals.get(p.id())).as("terminal events of patch %s (%s)", p.id(), p.title())
                    .containsExactly("Succeeded");
        }
        soft.assertThat(HashChain.verify(events)).as("hash chain").isEmpty();

        for (String d : domains) {
            Path tree = trees.resolve(d);
            soft.assertThat(landed(tree)).as("patches in the history of domain %s, oldest first", d)
                    .containsExactlyElementsOf(ids(byDomain.get(d)));
            Map<String, String> expected = expectedTree(d, byDomain.get(d).size());
            soft.assertThat(committedFiles(tree)).as("files of domain %s's last commit", d).isEqualTo(expected);
            soft.assertThat(filesOnDisk(tree)).as("files in domain %s's working tree", d).isEqualTo(expected);
        }

        List<Hold> holds = holds();
        List<String> overlaps = overlaps(holds);
        soft.assertThat(overlaps).as("holds of one domain's tree by two processes at once").isEmpty();
        // The case the fence exists for must have happened, or the check above proves little: a worker
        // paused in the middle of a patch, and the domain it held went on with another process.
        long takenOver = pauses.stream().filter(p -> takenOverDuringPause(p, holds)).count();
        soft.assertThat(takenOver).as("pauses of a busy worker whose domain another process took over").isPositive();
        for (Fault f : Fault.values()) {
            soft.assertThat(faults.get(f).get()).as("%s faults", f).isPositive();
        }

        long handovers = handovers(holds);
        LOG.info("rebalance figures: {} patches over {} domains in one shared folder, fence {}; {} instances in all, "
                        + "{} joins, {} leaves, {} SIGKILLs, {} SIGSTOPs of {} s ({} taken over mid-patch); "
                        + "{} tree holds, {} handovers between processes, {} overlaps; {} ms from the group's start "
                        + "to the last end, longest gap between two patch ends {} ms; whole test {} ms (seed {})",
                patches, domains.size(), fenceOff ? "OFF" : "on", members.size(), faults.get(Fault.JOIN).get(),
                faults.get(Fault.LEAVE).get(), faults.get(Fault.KILL).get(), faults.get(Fault.PAUSE).get(),
                pause.toSeconds(), takenOver, holds.size(), handovers, overlaps.size(),
                (allEnded - groupUp) / 1_000_000, watch.longestPause(groupUp, allEnded),
                (System.nanoTime() - began) / 1_000_000, seed);
        overlaps.stream().limit(20).forEach(o -> LOG.warn("overlap: {}", o));
        soft.assertAll();
    }

    // ---- the faults ---------------------------------------------------------------------------

    /**
     * One fault, of a kind the group can take now (see {@link #possible}), on an instance whose
     * worker runs. No new fault once most patches have ended, so that the run ends soon after, or
     * once {@code maxFaults} were made.
     */
    private void fault(int patches, int maxFaults) {
        try {
            if (watch.ended().size() >= patches * 0.85 || faults.values().stream().mapToInt(AtomicInteger::get).sum()
                    >= maxFaults) {
                return;
            }
            synchronized (members) {
                List<Fault> possible = Stream.of(Fault.values()).filter(this::possible).toList();
                if (possible.isEmpty()) {
                    return;
                }
                // The first a pause, which lasts longest; then the kind made least so far, so that every
                // kind comes early and all come about as often.
                int fewest = possible.stream().mapToInt(k -> faults.get(k).get()).min().orElseThrow();
                List<Fault> rarest = possible.stream().filter(k -> faults.get(k).get() == fewest).toList();
                Fault f = faults.get(Fault.PAUSE).get() == 0 && possible.contains(Fault.PAUSE) ? Fault.PAUSE
                        : rarest.get(random.nextInt(rarest.size()));
                switch (f) {
                    case JOIN -> join();
                    case LEAVE -> leave(pick());
                    case KILL -> killAndRestart(pick());
                    case PAUSE -> pause(pick());
                }
                faults.get(f).incrementAndGet();
            }
        } catch (Exception | AssertionError e) {
            LOG.error("a fault could not be made", e);
        }
    }

    /**
     * Two instances stay at work whatever happens, and one process joins the group at a time: on two
     * cores a storm of JVM starts would stop the patches rather than move them. One pause at a time,
     * and not right after another: the group reassigns partitions only once every member has answered,
     * and a paused one answers only when its session has expired, so pauses back to back would keep
     * every partition where it is. The last {@link #QUIET_BEFORE_RESUME} of a pause are quiet, so that
     * the group is settled when the paused member's session expires and another worker takes its
     * domains before it wakes: the case the fence is for.
     */
    private boolean possible(Fault f) {
        long now = System.nanoTime();
        if (members.stream().anyMatch(m -> m.paused && now - m.pausedAt > pause.minus(QUIET_BEFORE_RESUME).toNanos())) {
            return false;
        }
        long active = members.stream().filter(Member::active).count();
        long alive = members.stream().filter(m -> m.process.alive()).count();
        boolean starting = members.stream().anyMatch(Member::starting);
        boolean settled = members.stream().noneMatch(m -> m.paused) && now - lastResume > SETTLE_AFTER_PAUSE.toNanos();
        return switch (f) {
            case PAUSE -> active >= 3 && settled;
            case LEAVE -> active >= 3;
            case KILL -> active >= 2 && !starting;
            case JOIN -> alive < MAX_ALIVE && !starting;
        };
    }

    /** An active instance, one in the middle of a patch if there is one: that is where a fault hurts. */
    private Member pick() throws IOException {
        List<Member> active = members.stream().filter(Member::active).toList();
        List<Member> busy = new ArrayList<>();
        for (Member m : active) {
            if (holdsATree(m)) {
                busy.add(m);
            }
        }
        List<Member> from = busy.isEmpty() ? active : busy;
        return from.get(random.nextInt(from.size()));
    }

    private void join() throws IOException {
        String name = "w" + (members.size() + 1);
        var m = new Member(PatchbayProcess.executor(name, dir.resolve(name), contract, kafka.bootstrapServers(),
                environment));
        m.start();
        members.add(m);
        LOG.info("chaos: {} joins (pid {})", name, m.process.pid());
    }

    private void leave(Member m) {
        m.leaving = true;
        long pid = m.process.pid();
        LOG.info("chaos: {} leaves (SIGTERM to pid {})", m.process.name, pid);
        leaving.add(CompletableFuture.runAsync(() -> {
            try {
                if (m.process.stop(Duration.ofSeconds(30))) {
                    endedAt.put(pid, micros());
                } else {
                    LOG.warn("{} did not stop within 30 s of SIGTERM; killing it", m.process.name);
                    endedAt.put(pid, micros());
                    m.process.kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private void killAndRestart(Member m) throws IOException, InterruptedException {
        long pid = m.process.pid();
        // Taken before the signal: the process does nothing after it, and its holds end no later.
        endedAt.put(pid, micros());
        m.process.kill();
        m.start();
        LOG.info("chaos: {} killed with SIGKILL (pid {}) and started again (pid {})", m.process.name, pid,
                m.process.pid());
    }

    private void pause(Member m) throws IOException, InterruptedException {
        long pid = m.process.pid();
        m.process.pause();
        long at = micros();
        m.pausedAt = System.nanoTime();
        m.paused = true;
        // Read after the signal: what it held then, it holds all through the pause.
        Set<String> held = holds(m.process.log()).stream().filter(h -> h.pid() == pid && h.to() == Long.MAX_VALUE)
                .map(Hold::domain).collect(Collectors.toSet());
        pauses.add(new Pause(pid, held, at));
        LOG.info("chaos: {} paused with SIGSTOP (pid {}) for {} s, holding {}", m.process.name, pid, pause.toSeconds(),
                held);
        chaos.schedule(() -> {
            try {
                resume(m);
            } catch (IOException | InterruptedException e) {
                LOG.error("cannot resume {}", m.process.name, e);
            }
        }, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resume(Member m) throws IOException, InterruptedException {
        synchronized (members) {
            if (m.paused && m.process.alive()) {
                m.process.resume();
                lastResume = System.nanoTime();
                LOG.info("chaos: {} resumed with SIGCONT (pid {})", m.process.name, m.process.pid());
            }
            m.paused = false;
        }
    }

    /** Once the patches have ended: the paused come back, the leaving are gone, the rest are killed. */
    private void endEveryInstance() throws Exception {
        synchronized (members) {
            for (Member m : members) {
                resume(m);
            }
        }
        CompletableFuture.allOf(leaving.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        synchronized (members) {
            for (Member m : members) {
                if (m.process.alive()) {
                    endedAt.put(m.process.pid(), micros());
                    m.process.kill();
                }
            }
        }
    }

    private static boolean servesPartitions(Member m) {
        return m.wroteSinceStart("now serves [" + Topics.WORK + "-");
    }

    // ---- the workers' records -------------------------------------------------------------------

    /** A pause of process {@code pid} at {@code at} (wall-clock microseconds), while it held those domains' trees. */
    record Pause(long pid, Set<String> held, long at) {}

    /**
     * Whether a domain the paused process held went on with another process: another process took
     * it within {@link #TAKEOVER_WINDOW} after the paused process let it go. With the fence that is
     * once the paused one has woken, stopped and let go; without, while it still sleeps.
     */
    private static boolean takenOverDuringPause(Pause p, List<Hold> holds) {
        for (String d : p.held()) {
            Hold paused = holds.stream().filter(h -> h.pid() == p.pid() && h.domain().equals(d) && h.from() <= p.at()
                    && h.to() > p.at()).findFirst().orElse(null);
            if (paused != null && holds.stream().anyMatch(h -> h.domain().equals(d) && h.pid() != p.pid()
                    && h.from() > paused.from() && h.from() < paused.to() + TAKEOVER_WINDOW.toNanos() / 1_000)) {
                return true;
            }
        }
        return false;
    }

    /** One process's hold on one domain's tree, in wall-clock microseconds. */
    record Hold(String domain, String worker, long pid, long from, long to) {
        boolean overlaps(Hold other) {
            return from < other.to && other.from < to;
        }
    }

    private boolean holdsATree(Member m) throws IOException {
        long pid = m.process.pid();
        return holds(m.process.log()).stream().anyMatch(h -> h.pid() == pid && h.to() == Long.MAX_VALUE);
    }

    /** Every hold in every instance's log; one never released ends when its process ended. */
    private List<Hold> holds() throws IOException {
        List<Hold> out = new ArrayList<>();
        for (Member m : members) {
            for (Hold h : holds(m.process.log())) {
                out.add(h.to() != Long.MAX_VALUE ? h : new Hold(h.domain(), h.worker(), h.pid(), h.from(),
                        endedAt.getOrDefault(h.pid(), Long.MAX_VALUE)));
            }
        }
        return out;
    }

    /** The holds one log records; one still open ends at {@link Long#MAX_VALUE}. */
    private static List<Hold> holds(Path log) throws IOException {
        List<Hold> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        Map<String, Hold> open = new HashMap<>();
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = HOLD.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String key = m.group(4) + "/" + m.group(1);
                long at = Long.parseLong(m.group(5));
                if (m.group(2).equals("taken")) {
                    open.put(key, new Hold(m.group(1), m.group(3), Long.parseLong(m.group(4)), at, Long.MAX_VALUE));
                } else {
                    Hold h = open.remove(key);
                    if (h != null) {
                        out.add(new Hold(h.domain(), h.worker(), h.pid(), h.from(), at));
                    }
                }
            }
        }
        out.addAll(open.values());
        return out;
    }

    private static List<String> overlaps(List<Hold> holds) {
        List<String> found = new ArrayList<>();
        Map<String, List<Hold>> byDomain = holds.stream().collect(Collectors.groupingBy(Hold::domain, TreeMap::new,
                Collectors.toList()));
        for (List<Hold> list : byDomain.values()) {
            List<Hold> sorted = list.stream().sorted(java.util.Comparator.comparingLong(Hold::from)).toList();
            for (int i = 0; i < sorted.size(); i++) {
                Hold a = sorted.get(i);
                for (int j = i + 1; j < sorted.size() && sorted.get(j).from() < a.to(); j++) {
                    Hold b = sorted.get(j);
                    if (b.pid() != a.pid() && a.overlaps(b)) {
                        found.add(a + " and " + b + " overlap by " + (Math.min(a.to(), b.to()) - b.from()) / 1000
                                + " ms");
                    }
                }
            }
        }
        return found;
    }

    /** How often a domain's tree went from one process to another. */
    private static long handovers(List<Hold> holds) {
        long n = 0;
        Map<String, List<Hold>> byDomain = holds.stream().collect(Collectors.groupingBy(Hold::domain));
        for (List<Hold> list : byDomain.values()) {
            List<Hold> sorted = list.stream().sorted(java.util.Comparator.comparingLong(Hold::from)).toList();
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i).pid() != sorted.get(i - 1).pid()) {
                    n++;
                }
            }
        }
        return n;
    }

    // ---- the patches and the trees ----------------------------------------------------------------

    /**
     * Patch {@code k} of a domain appends line {@code k} to {@code log.txt} with a diff whose context is
     * line {@code k-1}: it applies only right after patch {@code k-1}. It also writes a file of its own,
     * and its gate holds the domain for a few seconds.
     */
    private static Patch patch(String domain, int k, int gateSeconds) {
        String diff = "--- a/log.txt\n+++ b/log.txt\n@@ -" + k + ",1 +" + k + ",2 @@\n line " + (k - 1) + "\n+line " + k
                + "\n";
        return new Patch(null, domain, "Rebalance patch " + k + " of " + domain, null, null, diff,
                List.of(FileChange.write("p/" + k + ".txt", "patch " + k + " of " + domain + "\n")), null,
                List.of(Gate.command("settle", List.of("sleep", String.valueOf(gateSeconds)))), null).withDefaultId();
    }

    private static Map<String, String> expectedTree(String domain, int patches) {
        var files = new TreeMap<String, String>();
        files.put("README.md", readme(domain));
        var log = new StringBuilder();
        for (int k = 0; k <= patches; k++) {
            log.append("line ").append(k).append('\n');
            if (k > 0) {
                files.put("p/" + k + ".txt", "patch " + k + " of " + domain + "\n");
            }
        }
        files.put("log.txt", log.toString());
        return files;
    }

    private static String readme(String domain) {
        return "The " + domain + " domain, in a folder every instance shares.\n";
    }

    private static void seed(Path tree, String domain) throws Exception {
        Files.createDirectories(tree);
        Files.writeString(tree.resolve("README.md"), readme(domain));
        Files.writeString(tree.resolve("log.txt"), "line 0\n");
        try (Git git = Git.init().setDirectory(tree.toFile()).setInitialBranch("main").call()) {
            git.add().addFilepattern(".").call();
            git.commit().setMessage("Seed " + domain + "\n").setSign(false).call();
        }
    }

    /** The Patch-Id trailers of the tree's history, oldest first. */
    private static List<String> landed(Path tree) throws Exception {
        List<String> ids = new ArrayList<>();
        try (Git git = Git.open(tree.toFile())) {
            for (RevCommit c : git.log().call()) {
                c.getFullMessage().lines().filter(l -> l.startsWith("Patch-Id: "))
                        .forEach(l -> ids.add(l.substring("Patch-Id: ".length()).strip()));
            }
        }
        Collections.reverse(ids);
        return ids;
    }

    private static Map<String, String> committedFiles(Path tree) throws Exception {
        var files = new TreeMap<String, String>();
        try (Git git = Git.open(tree.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
            Repository repo = git.getRepository();
            ObjectId head = repo.resolve("HEAD");
            try (TreeWalk tw = new TreeWalk(repo)) {
                tw.addTree(walk.parseCommit(head).getTree());
                tw.setRecursive(true);
                while (tw.next()) {
                    files.put(tw.getPathString(),
                            new String(repo.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    private static Map<String, String> filesOnDisk(Path tree) throws IOException {
        var files = new TreeMap<String, String>();
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = tree.relativize(p).toString();
                if (!rel.startsWith(".git/")) {
                    files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        }
        return files;
    }

    private String notEnded(Map<String, List<Patch>> byDomain) {
        var ended = watch.ended().keySet();
        return byDomain.entrySet().stream().map(e -> e.getKey() + " "
                        + e.getValue().stream().filter(p -> !ended.contains(p.id())).count())
                .collect(Collectors.joining(", "));
    }

    private static List<String> ids(List<Patch> patches) {
        return patches.stream().map(Patch::id).toList();
    }

    /** Four domain names whose keys fall on four different partitions, so that the domains spread over the workers. */
    private static List<String> onePerPartition() {
        String[] candidates = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
                "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon"};
        Map<Integer, String> byPartition = new TreeMap<>();
        for (String c : candidates) {
            int partition = Utils.toPositive(Utils.murmur2(c.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            byPartition.putIfAbsent(partition, c);
        }
        assertThat(byPartition).as("candidate domain names by partition").hasSize(PARTITIONS);
        return List.copyOf(byPartition.values());
    }

    private static String contract(List<String> domains, Path trees) {
        var yaml = new StringBuilder("version: \"rebalance-1\"\ndomains:\n");
        for (String d : domains) {
            yaml.append("""
                      %s:
                        workspace: "%s"
                        submitters: {spool: true}
                        commands: {shell: false, sandbox: none, allow: [["sleep"]]}
                    """.formatted(d, trees.resolve(d).toAbsolutePath()));
        }
        return yaml.toString();
    }

    private static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
