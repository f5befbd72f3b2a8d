package io.patchbay.executor.decider;

import io.patchbay.contracts.event.Event;
import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.event.HashChain;
import io.patchbay.contracts.work.WorkOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes one input makes, held back until the decision is complete. A decision that throws
 * half-way leaves neither the stores nor the topics touched, so a bad record cannot break the
 * hash chain or leave the queue out of step with the events.
 */
final class Transition {

    /** Reads the committed state; writes never go through it. */
    interface State {
        DomainState domain(String domain);

        PatchRecord patch(String domain, String patchId);

        /** The domain's working-tree state; null when none is kept yet. */
        default WorkspaceState workspace(String domain) {
            return null;
        }
    }

    /** One record to send, to the events or the work topic. */
    record Output(String domain, Object value) {}

    private final State state;
    private final Instant now;
    private final Map<String, DomainState> domains = new LinkedHashMap<>();
    private final Map<String, PatchRecord> patches = new LinkedHashMap<>();
    private final Map<String, WorkspaceState> workspaces = new LinkedHashMap<>();
    private final List<Output> outputs = new ArrayList<>();

    Transition(State state, Instant now) {
        this.state = state;
        this.now = now;
    }

    Instant now() {
        return now;
    }

    DomainState domain(String domain) {
        DomainState d = domains.get(domain);
        if (d == null) {
            d = state.domain(domain);
        }
        return d == null ? DomainState.fresh(domain) : d;
    }

    PatchRecord patch(String domain, String patchId) {
        String key = patchKey(domain, patchId);
        return patches.containsKey(key) ? patches.get(key) : state.patch(domain, patchId);
    }

    /** The domain's working-tree state as this transition leaves it so far; null when none is kept. */
    WorkspaceState workspace(String domain) {
        return workspaces.containsKey(domain) ? workspaces.get(domain) : state.workspace(domain);
    }

    void putWorkspace(WorkspaceState w) {
        workspaces.put(w.domain(), w);
    }

    /**
     * Appends an event to the domain's chain (the next seq, sealed onto the current head) and applies
     * it to the domain and the patch ({@link Evolve}): the only way a decision changes either.
     */
    Event event(String domain, String patchId, EventBody body) {
        DomainState d = domain(domain);
        Event sealed = HashChain.seal(new Event(domain, d.lastSeq() + 1, patchId, now, body, null, null), d.headHash());
        domains.put(domain, Evolve.domain(d, sealed));
        if (patchId != null) {
            PatchRecord next = Evolve.patch(patch(domain, patchId), sealed);
            if (next != null) {
                patches.put(patchKey(domain, patchId), next);
            }
        }
        outputs.add(new Output(domain, sealed));
        return sealed;
    }

    void order(WorkOrder order) {
        outputs.add(new Output(order.domain(), order));
    }

    Map<String, DomainState> domainWrites() {
        return domains;
    }

    Map<String, PatchRecord> patchWrites() {
        return patches;
    }

    Map<String, WorkspaceState> workspaceWrites() {
        return workspaces;
    }

    List<Output> outputs() {
        return outputs;
    }

    static String patchKey(String domain, String patchId) {
        // Domain names cannot hold '/', so the key is unambiguous whatever the patch id is.
        return domain + "/" + patchId;
    }
}
