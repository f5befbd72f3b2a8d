package io.patchbay.contracts.policy;

import io.patchbay.contracts.diff.BinarySizeException;
import io.patchbay.contracts.diff.DiffException;
import io.patchbay.contracts.diff.DiffReader;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.patch.Patch;
import java.util.Optional;

/**
 * The largest binary file a diff may carry into a domain, from the domain's {@code limits.patchBytes}.
 * The verdict refuses a diff whose {@code literal} or {@code delta} announces more, and the worker
 * reads the diff with the same bound, so what was accepted is what is applied.
 *
 * <p>Why a factor: git writes binary content deflated and then base85-encoded (five characters for
 * four bytes, plus a length character and a line break per 52 bytes, about 1.3 times the deflated
 * size). Content that does not compress (images, archives, jars: most binaries in a tree) therefore
 * stays below {@code patchBytes} anyway. Content that compresses well (bitmaps, fonts, test fixtures)
 * can be many times larger than its diff, and deflate reaches about 1000:1, so the diff's size alone
 * does not bound what the reader holds in memory. {@value #FACTOR} times lets through files that
 * deflate as well as 10:1 (8 times 1.3), which covers real binaries, while one binary file never
 * costs more memory than {@value #FACTOR} patches. The bound never exceeds
 * {@link DiffReader#DEFAULT_MAX_BINARY_BYTES}, the most the reader holds for one file whoever calls it,
 * and {@code patchBytes} itself is bounded by the record limit ({@code RecordLimits.maxPatchBytes()},
 * checked when the contract loads).
 */
public final class BinaryLimit {

    /** How many times {@code limits.patchBytes} one binary file may announce. */
    public static final int FACTOR = 8;
    public static final String CODE = "BINARY_TOO_LARGE";

    private BinaryLimit() {}

    /** The largest size, in bytes, a binary patch may announce in the domain. */
    public static long of(DomainPolicy policy) {
        long patchBytes = Math.max(0, policy.limits().patchBytes());
        long ceiling = DiffReader.DEFAULT_MAX_BINARY_BYTES;
        return patchBytes > ceiling / FACTOR ? ceiling : patchBytes * FACTOR;
    }

    /**
     * What the verdict says against the patch's diff, read exactly as the worker will read it (binary
     * files bounded by {@link #of}): {@value #CODE} when a binary patch announces more than that,
     * {@code DIFF_INVALID} when the diff cannot be read, empty when it reads or there is none.
     */
    public static Optional<Violation> diffViolation(Patch patch, DomainPolicy policy) {
        if (patch.diff() == null) {
            return Optional.empty();
        }
        long limit = of(policy);
        try {
            DiffReader.read(patch.diff().bytes(), limit);
            return Optional.empty();
        } catch (BinarySizeException e) {
            return Optional.of(new Violation(CODE, e.file(), "The binary patch of '" + e.file() + "' at line "
                    + e.line() + " of the diff announces " + e.announced() + " bytes; domain '" + patch.domain()
                    + "' takes binary files of at most " + limit + " bytes (" + FACTOR + " times its limits.patchBytes of "
                    + policy.limits().patchBytes() + ", capped at " + DiffReader.DEFAULT_MAX_BINARY_BYTES
                    + "); commit the file by another way or raise limits.patchBytes."));
        } catch (DiffException e) {
            // The worker reads the diff with the same reader: refusing here means it never gets that far.
            return Optional.of(new Violation("DIFF_INVALID", "diff", "The diff cannot be read: " + e.getMessage() + "."));
        }
    }
}
