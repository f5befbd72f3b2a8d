package io.patchbay.contracts.view;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.patchbay.contracts.event.EventBody;
import java.util.Arrays;

/** Where a patch is in its life, as derived from its latest event. */
public enum PatchStatus {
    SUBMITTED("Submitted"),
    ACCEPTED("Accepted"),
    AWAITING_APPROVAL("AwaitingApproval"),
    QUEUED("Queued"),
    /** Next in its domain, waiting for its change window to open. */
    HELD_FOR_WINDOW("HeldForWindow"),
    DISPATCHED("Dispatched"),
    RUNNING("Running"),
    RETRY_WAIT("RetryWait"),
    SUCCEEDED("Succeeded"),
    FAILED("Failed"),
    REJECTED("Rejected"),
    QUARANTINED("Quarantined"),
    CANCELLED("Cancelled"),
    DISCARDED("Discarded");

    private final String label;

    PatchStatus(String label) {
        this.label = label;
    }

    @JsonValue
    public String label() {
        return label;
    }

    @JsonCreator
    public static PatchStatus of(String label) {
        return Arrays.stream(values())
                .filter(s -> s.label.equalsIgnoreCase(label) || s.name().equalsIgnoreCase(label))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown status: " + label));
    }

    public boolean terminal() {
        return switch (this) {
            case SUCCEEDED, FAILED, REJECTED, QUARANTINED, CANCELLED, DISCARDED -> true;
            default -> false;
        };
    }

    /** Waiting to run: counted in a domain's queue depth. */
    public boolean pending() {
        return switch (this) {
            case SUBMITTED, ACCEPTED, AWAITING_APPROVAL, QUEUED, HELD_FOR_WINDOW, RETRY_WAIT -> true;
            default -> false;
        };
    }

    /** The status an event moves its patch to; the current status when the event does not change it. */
    public static PatchStatus after(EventBody body, PatchStatus current) {
        // Java 17 has no pattern switch; the sealed hierarchy keeps this list complete by review and test.
        if (body instanceof EventBody.Submitted) return SUBMITTED;
        if (body instanceof EventBody.Accepted || body instanceof EventBody.Approved) return ACCEPTED;
        if (body instanceof EventBody.Rejected || body instanceof EventBody.RejectedByApprover) return REJECTED;
        if (body instanceof EventBody.AwaitingApproval) return AWAITING_APPROVAL;
        if (body instanceof EventBody.Queued || body instanceof EventBody.Released) return QUEUED;
        if (body instanceof EventBody.HeldForWindow) return HELD_FOR_WINDOW;
        if (body instanceof EventBody.Dispatched) return DISPATCHED;
        if (body instanceof EventBody.Started || body instanceof EventBody.GateFinished) return RUNNING;
        if (body instanceof EventBody.Succeeded) return SUCCEEDED;
        if (body instanceof EventBody.Failed) return FAILED;
        if (body instanceof EventBody.RetryScheduled) return RETRY_WAIT;
        if (body instanceof EventBody.Quarantined) return QUARANTINED;
        if (body instanceof EventBody.Discarded) return DISCARDED;
        if (body instanceof EventBody.Cancelled) return CANCELLED;
        return current;
    }
}
