package io.patchbay.ingest;

import io.patchbay.contracts.patch.NodeTargets;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.util.List;

/**
 * The one way ingest channels read a submission: {@link PatchReader} (which reports every problem
 * of an envelope at once) plus what every channel must also insist on: a domain, and no
 * disagreement between the input and the channel about it.
 */
final class SubmissionReader {

    private SubmissionReader() {}

    /** Reads a submission without a contract to map Node-runner patches: those are refused. */
    static Patch read(byte[] input, Format format, String channelDomain) {
        return read(input, format, channelDomain, NodeTargets.NONE);
    }

    /**
     * @param channelDomain the domain the channel implies (the spool folder, {@code ?domain=}), or null
     * @param targets maps Node-runner patches to a domain and its tree (the current contract)
     * @throws PatchFormatException naming every problem found
     */
    static Patch read(byte[] input, Format format, String channelDomain, NodeTargets targets) {
        Patch patch = PatchReader.read(input, format, channelDomain, targets);
        if (patch.domain() == null || patch.domain().isBlank()) {
            throw new PatchFormatException(List.of(
                    "/domain: the patch names no domain; give it a domain field, or ?domain= with a bare diff"));
        }
        if (channelDomain != null && !channelDomain.equals(patch.domain())) {
            // Otherwise a file dropped in one domain's spool could reach another domain.
            throw new PatchFormatException(List.of("/domain: the patch is for domain '" + patch.domain()
                    + "' but was submitted for domain '" + channelDomain + "'"));
        }
        return patch;
    }
}
