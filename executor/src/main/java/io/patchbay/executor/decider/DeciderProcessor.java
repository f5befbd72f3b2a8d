package io.patchbay.executor.decider;

import io.patchbay.contracts.command.Command;
import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.WorkResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds commands, results and the wall clock to {@link Decisions} and applies the outcome: state
 * first, then the records, all inside the task's transaction.
 */
final class DeciderProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(DeciderProcessor.class);

    static final Duration TICK = Duration.ofMillis(500);

    /** How much of an exception's message goes into an event: enough to act on, never a wall of text. */
    private static final int MAX_REASON_CHARS = 500;

    private final Decisions decisions;
    private final Clock clock;
    private final RecordSizes sizes;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, DomainState> domains;
    private KeyValueStore<String, PatchRecord> patches;
    private KeyValueStore<String, WorkspaceState> workspaces;

    DeciderProcessor(Supplier<ExecutionContract> contract, Clock clock, SandboxStatus sandbox, RecordLimits limits,
            int window) {
        this.decisions = new Decisions(contract, sandbox, window);
        this.clock = clock;
        this.sizes = new RecordSizes(limits);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.domains = context.getStateStore(DeciderTopology.DOMAIN_STORE);
        this.patches = context.getStateStore(DeciderTopology.PATCH_STORE);
        this.workspaces = context.getStateStore(DeciderTopology.WORKSPACE_STORE);
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, ts -> tick());
    }

    /**
     * Decides one input. Nothing one input does may stop the partition: a decision that throws (an
     * exception or an error such as a stack overflow) or that would write a record larger than the
     * limit is replaced by one that ends the patch with the reason (see {@link #undecidable}).
     */
    @Override
    public void process(Record<String, Object> record) {
        Transition tx;
        try {
            tx = decide(record.key(), record.value());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // The decision failed before anything was written, so nothing of it is half-done.
            log.error("{} with key {} cannot be decided", describe(record.value()), record.key(), e);
            tx = undecidable(record, "patchbay could not judge it: " + sentence(e), true);
        }
        if (tx == null) {
            return;
        }
        String tooLarge = sizes.tooLarge(tx);
        if (tooLarge != null) {
            log.error("{} with key {} cannot be carried: {}", describe(record.value()), record.key(), tooLarge);
            tx = undecidable(record, tooLarge, false);
            String still = tx == null ? null : sizes.tooLarge(tx);
            if (still != null) {
                log.error("skipping {}: even its rejection cannot be carried: {}", describe(record.value()), still);
                return;
            }
        }
        if (tx != null) {
            apply(tx);
        }
    }

    /**
     * The decision for an input whose own decision failed: a Submit ends Rejected with an
     * {@code INTERNAL_ERROR} violation, a terminal result of the running attempt ends it Failed;
     * anything else is skipped. Null when there is nothing to write, or when even this throws.
     */
    private Transition undecidable(Record<String, Object> record, String reason, boolean carryContent) {
        Object value = record.value();
        try {
            if (value instanceof Command.Submit s && validCommand(s)) {
                String domain = domainOf(record.key(), s.domain(), s);
                return domain == null ? null
                        : decide(tx -> decisions.rejectUndecidable(tx, domain, s, reason, carryContent));
            }
            if (value instanceof WorkResult r && !(value instanceof WorkResult.WorkspaceAnswer) && r.patchId() != null) {
                String domain = domainOf(record.key(), r.domain(), r);
                return domain == null ? null : decide(tx -> decisions.failUndecidable(tx, domain, r, reason));
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            log.error("skipping {}: not even its rejection can be decided", describe(value), e);
            return null;
        }
        log.error("skipping {}: {}", describe(value), reason);
        return null;
    }

    /** The exception as one sentence for an event: its type and message, shortened; never a stack trace. */
    static String sentence(Throwable e) {
        String raw = e.getMessage() == null ? "" : e.getMessage();
        // Cut before tidying: a message may quote a submitted patch of megabytes.
        raw = raw.length() > 2 * MAX_REASON_CHARS ? raw.substring(0, 2 * MAX_REASON_CHARS) : raw;
        String message = raw.isEmpty() ? "" : ": " + raw.replaceAll("\\s+", " ").strip();
        String s = e.getClass().getSimpleName() + message;
        return s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS) + "…";
    }

    /** The decision for one input, or null when the input is unusable and is skipped. */
    private Transition decide(String key, Object value) {
        if (value instanceof Command c) {
            if (!validCommand(c)) {
                return null;
            }
            String domain = domainOf(key, c.domain(), c);
            return domain == null ? null : decide(tx -> decisions.onCommand(tx, domain, c));
        }
        if (value instanceof WorkResult.WorkspaceAnswer a) {
            String domain = domainOf(key, a.domain(), a);
            return domain == null ? null : decide(tx -> decisions.onWorkspaceAnswer(tx, domain, a));
        }
        if (value instanceof WorkResult r) {
            String domain = domainOf(key, r.domain(), r);
            if (domain == null || r.patchId() == null) {
                log.warn("skipping a {} result without domain or patch id", r.getClass().getSimpleName());
                return null;
            }
            return decide(tx -> decisions.onResult(tx, domain, r));
        }
        // A tombstone or a value the deserialiser let through: nothing to decide.
        log.warn("skipping a record with key {} and no usable value ({})", key,
                value == null ? "null" : value.getClass().getName());
        return null;
    }

    private static String domainOf(String key, String payloadDomain, Object input) {
        boolean hasDomain = payloadDomain != null && !payloadDomain.isBlank();
        if (hasDomain && key != null && !key.equals(payloadDomain)) {
            // Deciding it here would start a second chain for that domain in another partition's store.
            log.error("skipping {}: its key '{}' is not its domain '{}'; producers must key records by domain",
                    input.getClass().getSimpleName(), key, payloadDomain);
            return null;
        }
        if (hasDomain) {
            return payloadDomain;
        }
        if (key != null && !key.isBlank()) {
            return key;
        }
        log.error("skipping {}: it names no domain and has no key", input.getClass().getSimpleName());
        return null;
    }

    private static boolean validCommand(Command c) {
        if (c.by() == null || (c instanceof Command.Submit s && s.patch() == null)) {
            log.error("skipping a {} command without {}", c.getClass().getSimpleName(), c.by() == null ? "submitter" : "patch");
            return false;
        }
        return true;
    }

    private void tick() {
        List<String> due = new ArrayList<>();
        var now = clock.instant();
        try (KeyValueIterator<String, DomainState> all = domains.all()) {
            while (all.hasNext()) {
                KeyValue<String, DomainState> kv = all.next();
                if (Decisions.wantsTick(kv.value, now)) {
                    due.add(kv.key);
                }
            }
        }
        for (String domain : due) {
            Transition tx;
            try {
                tx = decide(t -> decisions.onTick(t, domain));
            } catch (RuntimeException e) {
                log.error("the timers of domain {} cannot be decided; trying again on the next tick", domain, e);
                continue;
            }
            apply(tx);
        }
        checkWorkspaces();
    }

    /** Freeze-verify: offers every domain with nothing running to {@link Decisions#onWorkspaceTick}. */
    private void checkWorkspaces() {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, DomainState> all = domains.all()) {
            while (all.hasNext()) {
                KeyValue<String, DomainState> kv = all.next();
                if (kv.value != null && kv.value.current() == null) {
                    idle.add(kv.key);
                }
            }
        }
        for (String domain : idle) {
            Transition tx;
            try {
                tx = decide(t -> decisions.onWorkspaceTick(t, domain));
            } catch (RuntimeException e) {
                log.error("the working-tree check of domain {} cannot be decided; trying again on the next tick", domain, e);
                continue;
            }
            apply(tx);
        }
    }

    private Transition decide(Consumer<Transition> decision) {
        Transition tx = new Transition(new Transition.State() {
            @Override
            public DomainState domain(String domain) {
                return domains.get(domain);
            }

            @Override
            public PatchRecord patch(String domain, String patchId) {
                return patches.get(Transition.patchKey(domain, patchId));
            }

            @Override
            public WorkspaceState workspace(String domain) {
                return workspaces.get(domain);
            }
        }, clock.instant());
        decision.accept(tx);
        return tx;
    }

    /**
     * Writes a finished decision. A failure here must fail the task, so that the transaction aborts
     * and no half-written chain or queue survives; it is therefore not caught.
     */
    private void apply(Transition tx) {
        for (Map.Entry<String, DomainState> e : tx.domainWrites().entrySet()) {
            domains.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, PatchRecord> e : tx.patchWrites().entrySet()) {
            patches.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, WorkspaceState> e : tx.workspaceWrites().entrySet()) {
            workspaces.put(e.getKey(), e.getValue());
        }
        long ts = tx.now().toEpochMilli();
        for (Transition.Output out : tx.outputs()) {
            String child = out.value() instanceof Event ? DeciderTopology.EVENTS_SINK : DeciderTopology.WORK_SINK;
            context.forward(new Record<>(out.domain(), out.value(), ts), child);
        }
    }

    private static String describe(Object input) {
        if (input instanceof Command.Submit s) {
            return "Submit of patch " + (s.patch() == null ? null : s.patch().id());
        }
        if (input instanceof Command.Unfreeze u) {
            return "Unfreeze of domain " + u.domain();
        }
        if (input instanceof Command c) {
            return c.getClass().getSimpleName() + " of patch " + c.patchId();
        }
        if (input instanceof WorkResult.WorkspaceAnswer a) {
            return a.getClass().getSimpleName() + " of domain " + a.domain() + " check " + a.check();
        }
        if (input instanceof WorkResult r) {
            return r.getClass().getSimpleName() + " of patch " + r.patchId() + " attempt " + r.attempt();
        }
        return String.valueOf(input);
    }
}
