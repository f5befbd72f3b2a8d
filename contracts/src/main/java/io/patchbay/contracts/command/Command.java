package io.patchbay.contracts.command;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.patchbay.contracts.patch.Patch;
import java.time.Instant;
import java.util.List;

/**
 * What ingest and operators ask of the executor, on {@code patchbay.commands} keyed by domain.
 * The decider is the only reader and decides what each command means in the current state.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.Submit.class, name = "Submit"),
    @JsonSubTypes.Type(value = Command.Approve.class, name = "Approve"),
    @JsonSubTypes.Type(value = Command.Reject.class, name = "Reject"),
    @JsonSubTypes.Type(value = Command.Retry.class, name = "Retry"),
    @JsonSubTypes.Type(value = Command.Release.class, name = "Release"),
    @JsonSubTypes.Type(value = Command.Discard.class, name = "Discard"),
    @JsonSubTypes.Type(value = Command.Cancel.class, name = "Cancel"),
    @JsonSubTypes.Type(value = Command.Unfreeze.class, name = "Unfreeze"),
})
public sealed interface Command {

    String domain();

    String patchId();

    Submitter by();

    Instant at();

    /** A new patch. Its id is already set (explicit or content-addressed) so the caller can answer with it. */
    record Submit(Patch patch, Submitter by, Instant at) implements Command {
        @Override
        public String domain() {
            return patch.domain();
        }

        @Override
        public String patchId() {
            return patch.id();
        }
    }

    record Approve(String domain, String patchId, Submitter by, Instant at) implements Command {}

    record Reject(String domain, String patchId, Submitter by, Instant at, String reason) implements Command {}

    record Retry(String domain, String patchId, Submitter by, Instant at) implements Command {}

    record Release(String domain, String patchId, Submitter by, Instant at) implements Command {}

    record Discard(String domain, String patchId, Submitter by, Instant at) implements Command {}

    record Cancel(String domain, String patchId, Submitter by, Instant at, String reason) implements Command {}

    /**
     * An operator ends a domain's freeze (a DriftFound): {@code adopt} takes the working tree as it
     * is (uncommitted changes are committed with an {@code Adopted-By:} trailer) as the recorded
     * state; {@code reset} puts the tree back to the recorded commit. A domain-level command:
     * {@link #patchId()} is null.
     */
    record Unfreeze(String domain, String mode, Submitter by, Instant at) implements Command {

        public static final String ADOPT = "adopt";
        public static final String RESET = "reset";
        public static final List<String> MODES = List.of(ADOPT, RESET);

        @Override
        public String patchId() {
            return null;
        }
    }
}
