package io.patchbay.contracts.policy;

import io.patchbay.contracts.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up a contract edited while patchbay runs. It reads the file every {@code interval} and,
 * when its bytes changed, parses it: a valid contract replaces the current one in the shared
 * reference (every later verdict names its version and hash); an invalid one leaves the previous
 * contract in force and is reported once to {@code onInvalid}, with file, line and reason, until
 * the file changes again. The file is read whole each time rather than trusting its mtime, which
 * may not move for two edits in the same second; a contract is a few kilobytes. New content is
 * acted on only once two reads in a row agree, so a file caught half-written by an editor is
 * neither taken nor reported.
 */
public final class ContractWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContractWatcher.class);

    /** What to watch, how often, and the record limits an edited contract is checked against. */
    public record Config(Path file, Duration interval, io.patchbay.contracts.topic.RecordLimits limits) {
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

        public Config {
            Objects.requireNonNull(file, "file");
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the interval must be positive");
            }
            limits = limits == null ? io.patchbay.contracts.topic.RecordLimits.DEFAULT : limits;
        }

        public Config(Path file, Duration interval) {
            this(file, interval, null);
        }

        public static Config of(Path file) {
            return new Config(file, DEFAULT_INTERVAL);
        }

        public Config withLimits(io.patchbay.contracts.topic.RecordLimits recordLimits) {
            return new Config(file, interval, recordLimits);
        }
    }

    private final Config config;
    private final AtomicReference<ExecutionContract> current;
    private final Consumer<ContractException> onInvalid;
    private final Consumer<ExecutionContract> onChange;
    /** The hash of the bytes last acted on, good or bad; touched by one thread at a time (synchronized). */
    private String seenHash;
    /** New content seen once, waiting for a second read to agree. */
    private String pendingHash;
    private ScheduledExecutorService executor;

    /**
     * @param current   holds the contract in force; it was loaded from {@code config.file()}
     * @param onInvalid told about an edit that cannot be used (raise an alert)
     * @param onChange  told about each contract that came into force
     */
    public ContractWatcher(Config config, AtomicReference<ExecutionContract> current,
            Consumer<ContractException> onInvalid, Consumer<ExecutionContract> onChange) {
        this.config = Objects.requireNonNull(config, "config");
        this.current = Objects.requireNonNull(current, "current");
        this.onInvalid = Objects.requireNonNull(onInvalid, "onInvalid");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        ExecutionContract now = current.get();
        this.seenHash = now == null ? null : now.hash();
    }

    /** Starts polling on a daemon thread of its own. */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("the contract watcher was already started");
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "patchbay-contract-watcher");
            t.setDaemon(true);
            return t;
        });
        long ms = config.interval().toMillis();
        executor.scheduleWithFixedDelay(this::pollQuietly, ms, ms, TimeUnit.MILLISECONDS);
        log.info("watching the contract {} for edits every {} ms", config.file(), ms);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            // A surprise here must not end the schedule: the next poll tries again.
            log.error("checking the contract {} failed", config.file(), e);
        }
    }

    /**
     * Looks at the file once. New content is acted on at the second look that finds it unchanged.
     *
     * @return true when a new contract came into force
     */
    public synchronized boolean poll() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(config.file());
        } catch (NoSuchFileException e) {
            return invalid("missing", new ContractException(config.file().toString(), 0,
                    "the contract file is gone; the previous contract stays in force", e));
        } catch (IOException e) {
            return invalid("unreadable:" + e.getMessage(), new ContractException(config.file().toString(), 0,
                    "cannot read the contract: " + e.getMessage() + "; the previous contract stays in force", e));
        }
        String hash = Json.sha256Hex(bytes);
        if (!settled(hash)) {
            return false;
        }
        ExecutionContract next;
        try {
            next = ContractLoader.parse(bytes, config.file().toString(), config.limits());
        } catch (ContractException e) {
            log.warn("the edited contract cannot be used; the previous one (version {}) stays in force: {}",
                    versionOf(current.get()), e.getMessage());
            onInvalid.accept(e);
            return false;
        }
        ExecutionContract previous = current.getAndSet(next);
        log.info("contract {} changed: version {} (sha256 {}) replaces version {}", config.file(), next.version(),
                next.hash().substring(0, 12), versionOf(previous));
        onChange.accept(next);
        return true;
    }

    /** Whether {@code state} is new and was seen by the previous look too; if so it becomes the one acted on. */
    private boolean settled(String state) {
        if (state.equals(seenHash)) {
            pendingHash = null;
            return false;
        }
        if (!state.equals(pendingHash)) {
            pendingHash = state;
            return false;
        }
        pendingHash = null;
        seenHash = state;
        return true;
    }

    /** Reports a file that cannot be read, once per kind of trouble. */
    private boolean invalid(String marker, ContractException e) {
        if (settled(marker)) {
            log.warn("{}", e.getMessage());
            onInvalid.accept(e);
        }
        return false;
    }

    private static String versionOf(ExecutionContract c) {
        return c == null ? "(none)" : c.version();
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }
}
