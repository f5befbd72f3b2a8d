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
public final class SubmissionReader {

    /** The problem reported for a patch that names no domain where the channel implies none. */
    public static final String NO_DOMAIN =
            "/domain: the patch names no domain; give it a domain field, or ?domain= with a bare diff";

    private SubmissionReader() {}

    /** Reads a submission without a contract to map Node-runner patches: those are refused. */
    public static Patch read(byte[] input, Format format, String channelDomain) {
        return read(input, format, channelDomain, true, NodeTargets.NONE);
    }

    public static Patch read(byte[] input, Format format, String channelDomain, boolean binding) {
        return read(input, format, channelDomain, binding, NodeTargets.NONE);
    }

    static Patch read(byte[] input, Format format, String channelDomain, NodeTargets targets) {
        return read(input, format, channelDomain, true, targets);
    }

    /**
     * @param channelDomain the domain the channel implies (the spool folder, {@code ?domain=}), or null
     * @param binding whether a different domain in the input is an error ({@code ?domain=}, the spool
     *     folder, a domain typed next to the patch) or simply wins (a Slack channel's default domain)
     * @param targets maps Node-runner patches to a domain and its tree (the current contract)
     * @throws PatchFormatException naming every problem found
     */
    public static Patch read(byte[] input, Format format, String channelDomain, boolean binding, NodeTargets targets) {
        Patch patch = PatchReader.read(input, format, channelDomain, targets);
        if (patch.domain() == null || patch.domain().isBlank()) {
            throw new PatchFormatException(List.of(NO_DOMAIN));
        }
        if (binding && channelDomain != null && !channelDomain.equals(patch.domain())) {
            // Otherwise a file dropped in one domain's spool could reach another domain.
            throw new PatchFormatException(List.of("/domain: the patch is for domain '" + patch.domain()
                    + "' but was submitted for domain '" + channelDomain + "'"));
        }
        return patch;
    }
}
