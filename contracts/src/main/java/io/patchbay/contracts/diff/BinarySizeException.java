package io.patchbay.contracts.diff;

/**
 * A {@code literal} or {@code delta} line of a {@code GIT binary patch} announces more bytes than
 * the reader was allowed to hold. Thrown before any of them is read, as the size is only the
 * submitter's word.
 *
 * @see DiffReader#read(byte[], long)
 */
public final class BinarySizeException extends DiffException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final long announced;
    private final long limit;

    public BinarySizeException(String file, int line, long announced, long limit) {
        super("the binary patch of " + file + " at line " + line + " announces " + announced + " bytes; at most "
                + limit + " are accepted");
        this.file = file;
        this.line = line;
        this.announced = announced;
        this.limit = limit;
    }

    /** The file the binary patch writes, as the diff names it. */
    public String file() {
        return file;
    }

    /** The 1-based line of the diff holding the size. */
    public int line() {
        return line;
    }

    /** The size the diff announces, in bytes. */
    public long announced() {
        return announced;
    }

    /** The largest size the reader accepted, in bytes. */
    public long limit() {
        return limit;
    }
}
