package io.patchbay.executor.decider;

import io.patchbay.contracts.event.EventBody;
import io.patchbay.contracts.patch.Risk;
import io.patchbay.contracts.policy.ChangeWindow;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Holds;
import io.patchbay.contracts.view.PatchStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change-window holds. The window is asked at the moment the head of the queue would be
 * dispatched, with the contract in force then, so a patch approved at 16:59 does not run at 17:01.
 * A held head keeps its place and the patches behind it wait too: the domain's order is kept.
 */
final class ChangeWindows {

    private static final Logger log = LoggerFactory.getLogger(ChangeWindows.class);

    private ChangeWindows() {}

    /**
     * Whether {@code head} must wait for its window now. The first time (and whenever the time it
     * waits for changes, by a contract edit) the wait is recorded and announced with HeldForWindow;
     * once the window is open the hold is lifted and the caller dispatches.
     *
     * @param policy the domain's policy; null (the domain left the contract) holds nothing
     */
    static boolean holds(Transition tx, PatchRecord head, DomainPolicy policy) {
        String domain = head.domain();
        DomainState.WindowHold current = tx.domain(domain).windowHold();
        Risk risk = head.riskLevel();
        Optional<Instant> runAt = policy == null ? Optional.of(tx.now()) : Holds.mayRunAt(policy, risk, tx.now());
        if (runAt.isPresent() && !runAt.get().isAfter(tx.now())) {
            if (current != null) {
                // The hold goes with the Dispatched event that follows (see Evolve).
                log.info("the change window of patch {} is open; it runs now", head.patchId());
            }
            return false;
        }
        DomainState.WindowHold hold = new DomainState.WindowHold(head.patchId(), runAt.orElse(null));
        if (!hold.equals(current)) {
            tx.event(domain, head.patchId(), new EventBody.HeldForWindow(hold.until(),
                    reason(policy, risk, hold.until()) + " (risk " + head.riskExplained() + ")"));
            log.info("patch {} waits for its change window until {}", head.patchId(), hold.until());
        }
        return true;
    }

    private static String reason(DomainPolicy policy, Risk risk, Instant until) {
        List<ChangeWindow> windows = policy.risk().level(risk).windows();
        String which = windows.stream().map(ChangeWindows::describe).collect(Collectors.joining(", "));
        return risk.label() + "-risk patches may run only in " + (windows.size() == 1 ? "the change window " : "the change windows ")
                + which + (until == null ? "; none of them ever opens, so it waits until the contract changes or someone cancels it"
                        : "; the next opens at " + until);
    }

    private static String describe(ChangeWindow w) {
        return String.join(",", w.days()) + " " + w.from() + "-" + w.to() + " " + w.zone();
    }
}
