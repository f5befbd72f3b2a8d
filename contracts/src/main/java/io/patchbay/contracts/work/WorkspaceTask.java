package io.patchbay.contracts.work;

import io.patchbay.contracts.command.Submitter;
import java.util.List;

/**
 * Work on a domain's working tree itself rather than a patch, carried by a {@link WorkOrder}:
 * {@code verify} compares the tree with what the log says it should be, {@code adopt} and
 * {@code reset} end a freeze. {@code check} numbers the domain's tasks, so that the answer to an
 * old one is recognised and ignored.
 *
 * @param expectedCommit the commit the log says HEAD is at; null when the log does not know yet
 *     (the first check of a domain then records what it finds)
 * @param by the operator who asked for an adopt or reset; null for a verify
 */
public record WorkspaceTask(String action, int check, String expectedCommit, Submitter by) {

    public static final String VERIFY = "verify";
    public static final String ADOPT = "adopt";
    public static final String RESET = "reset";
    public static final List<String> ACTIONS = List.of(VERIFY, ADOPT, RESET);
}
