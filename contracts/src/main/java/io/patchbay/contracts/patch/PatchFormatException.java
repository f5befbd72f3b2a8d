package io.patchbay.contracts.patch;

import java.util.List;

/** Input that is not a patch, with every problem found (each names where, as a JSON pointer when it can). */
public final class PatchFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public PatchFormatException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public PatchFormatException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
