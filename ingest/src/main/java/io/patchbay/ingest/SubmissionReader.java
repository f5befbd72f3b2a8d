package io.patchbay.ingest;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.patch.PatchFormatException;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.patch.PatchReader.Format;
import java.util.List;

/**
 * The one way ingest channels read a submission: {@link PatchReader} plus what every channel must
 * also insist on (a domain, and no disagreement between the input and the channel about it), with
 * every envelope problem reported at once rather than one per attempt.
 */
public final class SubmissionReader {

    /** The problem reported for a patch that names no domain where the channel implies none. */
    public static final String NO_DOMAIN =
            "/domain: the patch names no domain; give it a domain field, or ?domain= with a bare diff";

    private SubmissionReader() {}

    /**
     * @param channelDomain the domain the channel implies (the spool folder, {@code ?domain=}), or null
     * @throws PatchFormatException naming every problem found
     */
    public static Patch read(byte[] input, Format format, String channelDomain) {
        return read(input, format, channelDomain, true);
    }

    /**
     * @param channelDomain the domain the channel implies, or null
     * @param binding whether a different domain in the input is an error ({@code ?domain=}, the spool
     *     folder, a domain typed next to the patch) or simply wins (a Slack channel's default domain)
     * @throws PatchFormatException naming every problem found
     */
    public static Patch read(byte[] input, Format format, String channelDomain, boolean binding) {
        Patch patch;
        try {
            patch = PatchReader.read(input, format, channelDomain);
        } catch (PatchFormatException e) {
            if (format == Format.DIFF) {
                throw e;
            }
            throw new PatchFormatException(EnvelopeProblems.collect(input, format, channelDomain, e));
        }
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
