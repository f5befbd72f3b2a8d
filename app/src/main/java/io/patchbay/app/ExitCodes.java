package io.patchbay.app;

import io.patchbay.contracts.view.PatchStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of the client commands, so that a CI step can tell a failed patch from a rejected
 * one and both from an unreachable patchbay. 1 and 2 keep picocli's meaning (an unexpected error,
 * a usage error); 124 is what {@code timeout(1)} exits with when time runs out.
 */
final class ExitCodes {

    static final int OK = 0;
    static final int SOFTWARE = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    static final int REFUSED = 4;
    static final int FAILED = 10;
    static final int REJECTED = 11;
    static final int CANCELLED = 12;
    static final int QUARANTINED = 13;
    static final int DISCARDED = 14;
    static final int TIMED_OUT = 124;

    private ExitCodes() {}

    /** The exit code of a patch that ended in {@code status}; a patch that has not ended has none. */
    static int of(PatchStatus status) {
        return switch (status) {
            case SUCCEEDED -> OK;
            case FAILED -> FAILED;
            case REJECTED -> REJECTED;
            case CANCELLED -> CANCELLED;
            case QUARANTINED -> QUARANTINED;
            case DISCARDED -> DISCARDED;
            default -> throw new IllegalArgumentException(status.label() + " is not an end of a patch");
        };
    }

    /** The exit code of an HTTP answer that is not a 2xx: patchbay refused (4xx) or could not serve (5xx). */
    static int ofHttpStatus(int status) {
        return status / 100 == 4 ? REFUSED : UNAVAILABLE;
    }

    /** Code → meaning, as {@code --help} and the README list them. */
    static Map<String, String> table() {
        var t = new LinkedHashMap<String, String>();
        t.put(" " + OK, "the patch succeeded (without --wait/--follow: patchbay answered 2xx)");
        t.put(" " + SOFTWARE, "an unexpected error inside the command");
        t.put(" " + USAGE, "usage: an unknown option, a missing argument, a bad duration, an unreadable patch file, no token");
        t.put(" " + UNAVAILABLE, "patchbay did not answer (connection refused, timeout) or answered 5xx");
        t.put(" " + REFUSED, "patchbay refused the request (4xx): a bad token, an invalid patch, an unknown patch id");
        t.put(String.valueOf(FAILED), "the patch failed (it did not apply or a gate failed; its changes were rolled back)");
        t.put(String.valueOf(REJECTED), "the patch was rejected (by the execution contract or by an approver)");
        t.put(String.valueOf(CANCELLED), "the patch was cancelled");
        t.put(String.valueOf(QUARANTINED), "the patch was quarantined (it failed on an infrastructure fault and waits for an operator)");
        t.put(String.valueOf(DISCARDED), "the patch was discarded from quarantine");
        t.put(String.valueOf(TIMED_OUT), "--timeout passed before the patch ended (it goes on running)");
        return t;
    }
}
