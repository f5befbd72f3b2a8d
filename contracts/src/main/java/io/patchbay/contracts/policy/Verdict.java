package io.patchbay.contracts.policy;

import io.patchbay.contracts.event.Violation;
import java.util.List;

/** The contract's answer for one patch: every violation found, and the contract that answered. */
public record Verdict(List<Violation> violations, String contractVersion, String contractHash) {

    public Verdict {
        violations = List.copyOf(violations);
    }

    public boolean allowed() {
        return violations.isEmpty();
    }
}
