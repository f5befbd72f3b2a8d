package io.patchbay.ingest;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader.Format;

/**
 * Judges a submission without side effects: nothing is queued and no file is touched. Ingest
 * only reads the request; what "would it pass" means (the contract's verdict, and whether the
 * patch applies to the domain's tree) is answered by whoever has the tree.
 */
@FunctionalInterface
public interface DryRunner {

    /** The report, as JSON for the caller, and whether the patch would pass. */
    record Answer(boolean passes, String json) {}

    Answer check(byte[] body, Format format, String domain, Submitter by);
}
