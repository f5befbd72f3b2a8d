package io.patchbay.app;

import io.patchbay.contracts.view.PatchStatus;
import java.util.Map;

/**
 * How the client commands colour what they print: only when stdout is a terminal, and never when
 * {@code NO_COLOR} is set to anything (https://no-color.org) or the terminal is {@code dumb}, so a
 * log file or a CI step never gets escape codes.
 */
record Style(boolean colour) {

    static final Style PLAIN = new Style(false);

    private static final String RESET = "\u001b[0m";

    /** The style for this process's stdout. */
    static Style forStdout() {
        // Java 17: System.console() is null unless stdin and stdout are both a terminal.
        return detect(System.getenv(), System.console() != null);
    }

    static Style detect(Map<String, String> env, boolean stdoutIsTerminal) {
        String noColor = env.get("NO_COLOR");
        boolean optedOut = noColor != null && !noColor.isEmpty();
        return new Style(stdoutIsTerminal && !optedOut && !"dumb".equals(env.get("TERM")));
    }

    String status(PatchStatus status) {
        String code = switch (status) {
            case SUCCEEDED -> "1;32";
            case FAILED, REJECTED, QUARANTINED -> "1;31";
            case CANCELLED, DISCARDED, AWAITING_APPROVAL, HELD_FOR_WINDOW, RETRY_WAIT -> "1;33";
            default -> "1";
        };
        return paint(code, status.label());
    }

    /** An event type of a timeline, coloured when it ends a patch or makes it wait for someone. */
    String event(String type) {
        return switch (type) {
            case "Succeeded" -> paint("32", type);
            case "Failed", "Rejected", "RejectedByApprover", "Quarantined" -> paint("31", type);
            case "Cancelled", "Discarded", "AwaitingApproval", "HeldForWindow", "RetryScheduled" -> paint("33", type);
            default -> type;
        };
    }

    String health(String state) {
        return switch (state) {
            case "healthy" -> paint("1;32", state);
            case "degraded" -> paint("1;33", state);
            case "unhealthy" -> paint("1;31", state);
            default -> state;
        };
    }

    String bad(String text) {
        return paint("31", text);
    }

    String bold(String text) {
        return paint("1", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    private String paint(String code, String text) {
        return colour ? "\u001b[" + code + "m" + text + RESET : text;
    }
}
