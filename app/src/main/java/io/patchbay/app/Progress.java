package io.patchbay.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of long work a person waits on, on stderr so that stdout stays the result. On a terminal
 * one line rewrites itself a few times a second; elsewhere (a CI log, a file) a line is written every
 * {@link #EVERY_EVENTS} items or {@link #EVERY} seconds, whichever comes first. The closing line is
 * written everywhere: how many, in how long.
 */
final class Progress {

    static final long EVERY_EVENTS = 50_000;
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Duration TERMINAL_EVERY = Duration.ofMillis(250);

    private final String verb;
    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final long began;
    private long lastAt;
    private long lastCount;
    private boolean lineOpen;

    /** @param verb what is done to each item, as in "read 120,000 of 500,000 events (24%)" */
    Progress(String verb, PrintWriter err, boolean terminal, LongSupplier nanoTime) {
        this.verb = verb;
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.began = nanoTime.getAsLong();
        this.lastAt = began;
    }

    /** For this process's stderr, rewriting one line when a person watches it. */
    static Progress toStderr(String verb, PrintWriter err) {
        return new Progress(verb, err, System.console() != null, System::nanoTime);
    }

    /** {@code done} of {@code total} items so far; total is -1 when not known. */
    void at(long done, long total) {
        long now = nanoTime.getAsLong();
        boolean due = terminal ? now - lastAt >= TERMINAL_EVERY.toNanos()
                : done - lastCount >= EVERY_EVENTS || now - lastAt >= EVERY.toNanos();
        if (!due) {
            return;
        }
        lastAt = now;
        lastCount = done;
        String text = "patchbay audit: " + verb + " " + count(done) + (total < 0 ? "" : " of " + count(total))
                + " events" + (total <= 0 ? "" : String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
        if (terminal) {
            err.print("\r" + text + "\u001b[K");
            lineOpen = true;
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** The closing line: how many items, in how long. */
    void done(long count) {
        if (lineOpen) {
            err.print("\r\u001b[K");
        }
        err.println("patchbay audit: " + verb + " " + count(count) + " events in "
                + TimelineFormat.human(Duration.ofNanos(nanoTime.getAsLong() - began)));
        err.flush();
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
