package io.patchbay.contracts.diff;

/**
 * A diff that cannot be read: the submitter's own fault, never retried. The message is a sentence
 * for people naming the line of the diff where reading stopped. Not final: {@link BinarySizeException}
 * says which size was too large, so a verdict can name the limit it broke.
 */
public class DiffException extends Exception {

    private static final long serialVersionUID = 1L;

    public DiffException(String message) {
        super(message);
    }
}
