package io.patchbay.ingest;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.NodeTargets;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.patch.PatchReader.Format;
import io.patchbay.contracts.policy.ExecutionContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Submits the patch files dropped into {@code <root>/<domain>/incoming/}. A file moves to
 * {@code processing/} while it is handled, then to {@code accepted/} with a receipt once Kafka has
 * its Submit command, or to {@code rejected/} with the reasons. When Kafka does not acknowledge,
 * the file goes back to {@code incoming/} and is tried again later. Nothing is ever deleted.
 *
 * <p>The folder is polled rather than watched: WatchService misses events on network and
 * container file systems, and a poll also gives the stability check its two observations. A poll
 * takes the domains' files in turns of {@value #FILES_PER_TURN}, looking at the folders again
 * whenever a poll interval has passed, so that a backlog in one domain never holds up another and
 * files dropped meanwhile are seen.
 *
 * <p>Longer than the house's 300 lines because a poll's state is one: the stability observations,
 * the files in flight, the backoff and the pickups to finish after a crash are read and changed
 * together, on the poll thread alone. What stands apart is apart: reading a file
 * ({@link SpoolFile}), names and moves ({@link SpoolNames}), the window of sends
 * ({@link SpoolInFlight}).
 */
public final class SpoolWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SpoolWatcher.class);

    public static final String INCOMING = "incoming";
    public static final String PROCESSING = "processing";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String RECEIPT_SUFFIX = ".receipt.json";
    public static final String REASON_SUFFIX = ".reason.txt";

    private static final Pattern DOMAIN_NAME = Pattern.compile("^[a-z][a-z0-9-]{0,39}$");
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** How many files of one domain are taken before the next domain's turn. */
    static final int FILES_PER_TURN = 10;
    /** A folder is listed again after at least this many times as long as its last listing took. */
    private static final long RELIST_FACTOR = 20;

    /**
     * @param root the spool root, e.g. {@code var/spool}; each domain gets a folder below it
     * @param domains the domains to watch
     * @param pollInterval the pause between two looks at the incoming folders
     * @param stablePolls how many consecutive polls a file's size and mtime must stay unchanged
     *     before it is taken; 1 means unchanged between two polls
     * @param maxFileBytes larger files are rejected unread
     */
    public record Config(Path root, List<String> domains, Duration pollInterval, int stablePolls, long maxFileBytes) {

        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(250);
        public static final int DEFAULT_STABLE_POLLS = 1;
        /** The largest command patchbay carries; larger files could never travel as one record. */
        public static final long DEFAULT_MAX_FILE_BYTES = RecordLimits.DEFAULT.maxCommandBytes();

        public Config {
            if (root == null) {
                throw new IllegalArgumentException("the spool root is required");
            }
            domains = List.copyOf(new LinkedHashSet<>(domains == null ? List.of() : domains));
            for (String d : domains) {
                // The name becomes a folder: nothing that could climb out of the root.
                if (!DOMAIN_NAME.matcher(d).matches()) {
                    throw new IllegalArgumentException("'" + d + "' is not a domain name: lower-case letters, digits and '-'");
                }
            }
            if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException("the poll interval must be positive");
            }
            if (stablePolls < 1) {
                throw new IllegalArgumentException("stablePolls must be at least 1");
            }
            if (maxFileBytes <= 0 || maxFileBytes >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxFileBytes must be between 1 and " + (Integer.MAX_VALUE - 1));
            }
        }

        public static Config of(Path root, List<String> domains) {
            return new Config(root, domains, DEFAULT_POLL_INTERVAL, DEFAULT_STABLE_POLLS, DEFAULT_MAX_FILE_BYTES);
        }

        /** A spool folder for every domain whose contract lets the spool submit. */
        public static Config forContract(Path root, ExecutionContract contract) {
            List<String> spoolDomains = contract.domains().entrySet().stream()
                    .filter(e -> e.getValue().submitters().spool())
                    .map(Map.Entry::getKey)
                    .toList();
            return of(root, spoolDomains);
        }

        /** Files above what {@code limits} can carry as a command are rejected unread, with the reason. */
        public Config withRecordLimits(RecordLimits limits) {
            return new Config(root, domains, pollInterval, stablePolls, limits.maxCommandBytes());
        }

        public Config withPollInterval(Duration interval) {
            return new Config(root, domains, interval, stablePolls, maxFileBytes);
        }

        public Path folder(String domain, String name) {
            return root.resolve(domain).resolve(name);
        }
    }

    private record Seen(long size, FileTime modified, int unchangedPolls) {}

    private record Candidate(Path path, FileTime modified) {}

    private final Config config;
    private final CommandPublisher publisher;
    private final Clock clock;
    private final Supplier<? extends NodeTargets> targets;
    /** Only touched by the poll thread. */
    private final Map<String, Map<Path, Seen>> seen = new HashMap<>();
    private Duration backoff = Duration.ZERO;
    /** Only touched by the poll thread. */
    private final SpoolInFlight inFlight = new SpoolInFlight();
    /** Set when a send was not acknowledged: the poll stops taking files until the backoff has passed. */
    private boolean stalled;
    /** On System.nanoTime, not the clock: an injected clock may stand still. */
    private long notBeforeNanos = System.nanoTime();

    private ScheduledExecutorService executor;
    private ScheduledFuture<?> polling;
    private volatile boolean closed;

    public SpoolWatcher(Config config, CommandPublisher publisher) {
        this(config, publisher, Clock.systemUTC());
    }

    public SpoolWatcher(Config config, CommandPublisher publisher, Clock clock) {
        this(config, publisher, clock, () -> NodeTargets.NONE);
    }

    /**
     * @param targets the current contract, which maps Node-runner patches to a domain; without it
     *     such patches are refused
     */
    public SpoolWatcher(Config config, CommandPublisher publisher, Clock clock, Supplier<? extends NodeTargets> targets) {
        this.config = config;
        this.publisher = publisher;
        this.clock = clock;
        this.targets = targets;
    }

    /**
     * Creates the folders, finishes the pickups a crash left in {@code processing/} (a file whose
     * receipt was already written joins it in {@code accepted/}; any other goes back to
     * {@code incoming/}, where its content-addressed id makes a second submission a no-op
     * downstream), and starts polling.
     *
     * @throws UncheckedIOException when the folders cannot be created
     */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("the spool watcher was already started");
        }
        prepare();
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-spool");
            t.setDaemon(true);
            return t;
        });
        polling = executor.scheduleWithFixedDelay(this::poll, 0, config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        log.info("watching the spool under {} for domains {}", config.root(), config.domains());
    }

    public boolean isRunning() {
        ScheduledFuture<?> p = polling;
        return !closed && p != null && !p.isDone();
    }

    /** Stops polling, letting a file in hand finish. Does not close the publisher, which the caller owns. */
    @Override
    public void close() {
        closed = true;
        ScheduledExecutorService ex;
        synchronized (this) {
            ex = executor;
        }
        if (ex == null) {
            return;
        }
        ex.shutdown();
        try {
            if (!ex.awaitTermination(KafkaCommandPublisher.DEFAULT_ACK_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
                ex.shutdownNow();
            }
        } catch (InterruptedException e) {
            ex.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The start-up half of {@link #start}, apart so that tests can drive {@link #poll} step by step. */
    void prepare() {
        try {
            for (String domain : config.domains()) {
                for (String folder : List.of(INCOMING, PROCESSING, ACCEPTED, REJECTED)) {
                    Files.createDirectories(config.folder(domain, folder));
                }
                recover(domain);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the spool under " + config.root(), e);
        }
    }

    private void recover(String domain) throws IOException {
        List<Path> leftovers;
        try (Stream<Path> files = Files.list(config.folder(domain, PROCESSING))) {
            // Links and FIFOs too: back in incoming/ they are rejected, unread, on the next poll.
            leftovers = files.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path f : leftovers) {
            Path receipted = receiptedPlace(domain, f);
            if (receipted != null) {
                Files.move(f, receipted, StandardCopyOption.ATOMIC_MOVE);
                log.info("{} was on Kafka and its receipt written when an earlier run stopped; it is now accepted as {}",
                        f.getFileName(), receipted.getFileName());
                continue;
            }
            Path back = SpoolNames.moveUnique(f, config.folder(domain, INCOMING));
            log.info("{} was left in processing by an earlier run; it will be submitted again as {}",
                    f.getFileName(), back.getFileName());
        }
    }

    /**
     * Where a file left in processing belongs when the run that stopped had already written its
     * receipt (so Kafka has the Submit) but not moved the file beside it: the name in accepted/
     * whose receipt stands alone and names this file's patch. Null when there is none.
     */
    private Path receiptedPlace(String domain, Path file) {
        Path dir = config.folder(domain, ACCEPTED);
        String name = file.getFileName().toString();
        for (String candidate : SpoolNames.nameAndSuffixes(dir, name)) {
            Path receipt = dir.resolve(candidate + RECEIPT_SUFFIX);
            if (Files.exists(dir.resolve(candidate), LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(receipt)) {
                continue;
            }
            try {
                var r = Json.mapper().readTree(receipt.toFile());
                Format format = Format.ofFileName(name);
                if (format == null || !candidate.equals(r.path("file").asText())
                        || !(SpoolFile.read(file, config.maxFileBytes()) instanceof SpoolFile.Bytes b)) {
                    continue;
                }
                if (r.path("id").asText().equals(SubmissionReader.read(b.bytes(), format, domain).withDefaultId().id())) {
                    return dir.resolve(candidate);
                }
            } catch (IOException | PatchFormatException e) {
                log.debug("{} is not the receipt of {}: {}", receipt.getFileName(), name, e.getMessage());
            }
        }
        return null;
    }

    /**
     * Takes every stable file, the domains in turns; runs on the poll thread only (or a test's,
     * before start). Files are sent in that order with several in flight ({@link SpoolInFlight}),
     * and each is settled (receipt, then the move to accepted/) only once its own send is
     * acknowledged, in the order they were sent; a poll returns with nothing in flight. The folders
     * are listed again whenever a poll interval has passed (and at least {@value #RELIST_FACTOR}
     * times as long as the last listing took, so that listing a large backlog over and over never
     * takes the time the backlog needs), which keeps two observations of a file at least that far
     * apart.
     */
    void poll() {
        stalled = false;
        try {
            long listedAt = System.nanoTime();
            Map<String, List<Candidate>> waiting = listStable();
            long listing = System.nanoTime() - listedAt;
            while (!closed && !stalled && waiting.values().stream().anyMatch(l -> !l.isEmpty())) {
                for (Map.Entry<String, List<Candidate>> e : waiting.entrySet()) {
                    List<Candidate> turn = e.getValue().subList(0, Math.min(FILES_PER_TURN, e.getValue().size()));
                    for (Candidate c : turn) {
                        if (closed || stalled) {
                            // Closing, or Kafka is not taking commands: leave every other file where it is.
                            return;
                        }
                        take(e.getKey(), c.path());
                    }
                    turn.clear();
                }
                if (System.nanoTime() - listedAt >= Math.max(config.pollInterval().toNanos(), RELIST_FACTOR * listing)) {
                    listedAt = System.nanoTime();
                    waiting = listStable();
                    listing = System.nanoTime() - listedAt;
                }
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; the spool must keep going.
            log.error("a spool poll failed; polling goes on", e);
        } finally {
            settleAll();
        }
    }

    /** Each domain's files that are ready to be taken, oldest first; none while backing off. */
    private Map<String, List<Candidate>> listStable() {
        var out = new LinkedHashMap<String, List<Candidate>>();
        boolean backingOff = System.nanoTime() - notBeforeNanos < 0;
        for (String domain : config.domains()) {
            // While backing off nothing is taken, so nothing is listed: a large backlog would cost a core.
            out.put(domain, backingOff ? new ArrayList<>() : listStable(domain));
        }
        return out;
    }

    private List<Candidate> listStable(String domain) {
        Path incoming = config.folder(domain, INCOMING);
        Map<Path, Seen> before = seen.getOrDefault(domain, Map.of());
        Map<Path, Seen> now = new HashMap<>();
        List<Candidate> stable = new ArrayList<>();
        try (Stream<Path> files = Files.list(incoming)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (!complete(f.getFileName().toString())) {
                    continue;
                }
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (a.isDirectory()) {
                    continue;
                }
                if (!a.isRegularFile()) {
                    // A link or a FIFO is never read; taken at once, it goes to rejected/ with the reason.
                    stable.add(new Candidate(f, a.lastModifiedTime()));
                    continue;
                }
                Seen last = before.get(f);
                Seen s = last != null && last.size() == a.size() && last.modified().equals(a.lastModifiedTime())
                        ? new Seen(a.size(), a.lastModifiedTime(), last.unchangedPolls() + 1)
                        : new Seen(a.size(), a.lastModifiedTime(), 0);
                now.put(f, s);
                if (s.unchangedPolls() >= config.stablePolls()) {
                    stable.add(new Candidate(f, a.lastModifiedTime()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot list {}: {}", incoming, e.getMessage());
            return new ArrayList<>();
        }
        seen.put(domain, now);
        // Oldest first, so a domain's patches are submitted in the order they were dropped.
        stable.sort(Comparator.comparing(Candidate::modified).thenComparing(Candidate::path));
        return stable;
    }

    /** Writers create a file under a hidden or temporary name and rename it when done. */
    static boolean complete(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return !n.startsWith(".") && !n.endsWith(".tmp") && !n.endsWith(".part");
    }

    private void take(String domain, Path file) {
        Path taken;
        try {
            taken = SpoolNames.moveUnique(file, config.folder(domain, PROCESSING));
        } catch (NoSuchFileException e) {
            return; // taken back by whoever dropped it
        } catch (IOException e) {
            log.warn("cannot move {} to processing: {}", file, e.getMessage());
            return;
        }
        send(domain, taken);
    }

    /** Reads the file and sends its Submit, or rejects it with the reasons; a file sent is settled later. */
    private void send(String domain, Path file) {
        String name = file.getFileName().toString();
        Format format = Format.ofFileName(name);
        if (format == null) {
            reject(domain, file, List.of("'" + name + "' has no patch extension: use .json, .yaml, .yml, .diff or .patch"));
            return;
        }
        SpoolFile.Read read = SpoolFile.read(file, config.maxFileBytes());
        if (read instanceof SpoolFile.Refused r) {
            reject(domain, file, List.of(r.reason()));
            return;
        }
        byte[] bytes = ((SpoolFile.Bytes) read).bytes();
        Patch patch;
        try {
            patch = SubmissionReader.read(bytes, format, domain, targets.get()).withDefaultId();
        } catch (PatchFormatException e) {
            reject(domain, file, e.problems());
            return;
        }
        settleReady();
        while (inFlight.full(bytes.length)) {
            settle(inFlight.removeOldest());
        }
        if (stalled) {
            // A send before this one failed: this file waits in incoming/ with the rest.
            putBack(domain, file);
            return;
        }
        log.debug("picked up {} from the {} spool as patch {}", name, domain, patch.id());
        CompletableFuture<Void> ack = publisher.send(new Command.Submit(patch, Submitter.spool(domain), clock.instant()));
        inFlight.add(new SpoolInFlight.Sent(domain, file, patch, bytes.length, ack, System.nanoTime()));
    }

    /** Settles the files at the head of the window whose acknowledgement is already in. */
    private void settleReady() {
        for (SpoolInFlight.Sent s = inFlight.oldestIfDone(); s != null; s = inFlight.oldestIfDone()) {
            settle(inFlight.removeOldest());
        }
    }

    private void settleAll() {
        while (!inFlight.isEmpty()) {
            settle(inFlight.removeOldest());
        }
    }

    /**
     * Waits for the file's acknowledgement, then writes its receipt and moves it to accepted/; a
     * command refused for good is rejected with the reason; any other failure puts the file back
     * and makes the spool back off. Never throws, so that every file in flight is settled.
     */
    private void settle(SpoolInFlight.Sent s) {
        MDC.put("patchId", s.patch().id());
        try {
            PublishException failed = awaitAck(s);
            if (failed != null && !failed.retriable()) {
                reject(s.domain(), s.file(), List.of("the command log refused the patch: " + failed.getMessage()));
                return;
            }
            if (failed != null) {
                log.warn("Kafka did not take patch {} from {}; the file goes back to incoming: {}", s.patch().id(),
                        s.file().getFileName(), failed.getMessage());
                putBack(s.domain(), s.file());
                return;
            }
            try {
                accept(s.domain(), s.file(), s.patch());
                backoff = Duration.ZERO;
            } catch (IOException e) {
                // Kafka has it, but without a receipt nobody knows: submit again, downstream ignores the repeat.
                log.error("patch {} is on Kafka but its receipt could not be written: {}", s.patch().id(), e.getMessage());
                putBack(s.domain(), s.file());
            }
        } catch (RuntimeException e) {
            log.error("could not settle {}; it is looked at again on the next start", s.file(), e);
        } finally {
            MDC.remove("patchId");
        }
    }

    /** Null once the command log has the command; the reason it has not otherwise. */
    private static PublishException awaitAck(SpoolInFlight.Sent s) {
        try {
            // From the send, not from now: a window of files that all time out takes one timeout, not one each.
            long left = s.sentAt() + KafkaCommandPublisher.DEFAULT_ACK_TIMEOUT.toNanos() - System.nanoTime();
            s.ack().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof PublishException p ? p
                    : new PublishException("Kafka did not take patch " + s.patch().id() + ": " + e.getCause(), true, e);
        } catch (java.util.concurrent.TimeoutException e) {
            return new PublishException("Kafka did not acknowledge patch " + s.patch().id() + " within "
                    + KafkaCommandPublisher.DEFAULT_ACK_TIMEOUT.toMillis() + " ms", true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PublishException("interrupted while waiting for Kafka to acknowledge patch " + s.patch().id(),
                    true, e);
        }
    }

    /** A received receipt, written next to the accepted file. */
    record Receipt(String id, String domain, String file, String statusUrl, Instant acceptedAt) {}

    private void accept(String domain, Path file, Patch patch) throws IOException {
        Path dir = config.folder(domain, ACCEPTED);
        Path target = dir.resolve(SpoolNames.uniqueName(dir, file.getFileName().toString()));
        var receipt = new Receipt(patch.id(), domain, target.getFileName().toString(),
                HttpInbox.PATH + "/" + HttpInbox.pathSegment(patch.id()), clock.instant());
        // Receipt first: an accepted file without its receipt would look acknowledged when it is not known to be.
        SpoolNames.writeAtomically(dir.resolve(target.getFileName() + RECEIPT_SUFFIX), Json.canonical(receipt) + "\n");
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        log.info("accepted {} from the {} spool as patch {}", target.getFileName(), domain, patch.id());
    }

    private void reject(String domain, Path file, List<String> problems) {
        String name = file.getFileName().toString();
        log.info("rejected {} from the {} spool: {}", name, domain, String.join("; ", problems));
        Path dir = config.folder(domain, REJECTED);
        try {
            Path target = dir.resolve(SpoolNames.uniqueName(dir, name));
            var reason = new StringBuilder(name + " was not submitted to domain " + domain + ":\n");
            problems.forEach(p -> reason.append("- ").append(p).append('\n'));
            SpoolNames.writeAtomically(dir.resolve(target.getFileName() + REASON_SUFFIX), reason.toString());
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Left in processing, it is looked at again on the next start.
            log.error("could not move {} to rejected: {}", file, e.getMessage());
        }
    }

    /**
     * Puts the file back in incoming/ and stops the poll taking files. The first file put back in a
     * poll lengthens the backoff; the others sent with it fail for the same reason and do not.
     */
    private void putBack(String domain, Path file) {
        try {
            SpoolNames.moveUnique(file, config.folder(domain, INCOMING));
        } catch (IOException e) {
            log.error("could not move {} back to incoming; it is retried on the next start: {}", file, e.getMessage());
        }
        if (stalled) {
            return;
        }
        stalled = true;
        backoff = backoff.isZero() ? config.pollInterval() : backoff.multipliedBy(2);
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        notBeforeNanos = System.nanoTime() + backoff.toNanos();
    }
}
