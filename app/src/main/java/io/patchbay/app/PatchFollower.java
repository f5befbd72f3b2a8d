package io.patchbay.app;

import io.patchbay.contracts.Json;
import io.patchbay.contracts.view.PatchView;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Follows a patch until it ends, by polling {@code GET /v1/patches/{id}}: the HTTP API has no
 * stream of events, and the read view it serves is what a person would see anyway.
 *
 * <p>Polls every 200 ms while events arrive, backing off by half again up to 2 s while nothing
 * changes (a patch waiting for approval or a long gate costs a request every 2 s). patchbay's
 * moments of not answering are waited out: a 503 (views rebalancing, with its Retry-After), a
 * refused connection, and for a grace period a 404, since the views trail the event log by a
 * moment after a submission. A patchbay never reached ends following at once. Each new timeline
 * entry goes to the listener once, in order.
 */
final class PatchFollower {

    static final Duration FIRST_INTERVAL = Duration.ofMillis(200);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(2);
    /** How long patchbay may not answer, or not know the patch, before the follower gives up. */
    static final Duration GRACE = Duration.ofSeconds(60);

    /** Where the follower reads the patch from; the HTTP client, or a script of answers in tests. */
    interface Source {
        ApiClient.Reply get(String path) throws IOException, InterruptedException;
    }

    /** What the follower hears about, in order: the patch's first view, then each new event. */
    interface Listener {
        void first(PatchView view);

        void entry(PatchView.TimelineEntry entry, PatchView view);
    }

    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * How following ended: with the patch's last view (null when it was never seen), the exit code,
     * and, when patchbay's answers ended it, what was wrong.
     */
    record Outcome(int exitCode, PatchView last, String problem) {}

    private final Source source;
    private final boolean submitted;
    private final Duration timeout;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    /**
     * @param submitted whether the patch was just submitted, so that a 404 means the views have not
     *     caught up yet rather than a wrong id
     * @param timeout how long to follow at most; null for as long as it takes
     */
    PatchFollower(Source source, boolean submitted, Duration timeout, Sleeper sleeper, LongSupplier nanoTime) {
        this.source = source;
        this.submitted = submitted;
        this.timeout = timeout;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    static PatchFollower overHttp(ApiClient api, boolean submitted, Duration timeout) {
        return new PatchFollower(api::get, submitted, timeout, d -> Thread.sleep(d.toMillis()), System::nanoTime);
    }

    Outcome follow(String id, Listener listener) throws InterruptedException {
        long began = nanoTime.getAsLong();
        Long troubleSince = null;
        String trouble = null;
        int troubleCode = ExitCodes.UNAVAILABLE;
        PatchView last = null;
        int shown = 0;
        Duration interval = FIRST_INTERVAL;
        while (true) {
            Duration wait = interval;
            ApiClient.Reply reply = null;
            try {
                reply = source.get("/v1/patches/" + id);
            } catch (ApiClient.Unreachable e) {
                if (last == null && !submitted) {
                    // Never reached: a wrong --url, or patchbay is down; waiting would only hide that.
                    return new Outcome(ExitCodes.UNAVAILABLE, null, e.getMessage());
                }
                trouble = e.getMessage();
                troubleCode = ExitCodes.UNAVAILABLE;
            } catch (IOException e) {
                trouble = "reading the patch failed: " + e.getMessage();
                troubleCode = ExitCodes.UNAVAILABLE;
            }
            if (reply != null && reply.status() == 200) {
                troubleSince = null;
                PatchView view = Json.read(reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        PatchView.class);
                if (last == null) {
                    listener.first(view);
                }
                boolean grew = view.timeline().size() > shown;
                for (int i = shown; i < view.timeline().size(); i++) {
                    listener.entry(view.timeline().get(i), view);
                }
                shown = Math.max(shown, view.timeline().size());
                last = view;
                if (view.status() != null && view.status().terminal()) {
                    return new Outcome(ExitCodes.of(view.status()), view, null);
                }
                interval = grew ? FIRST_INTERVAL : next(interval);
                wait = interval;
            } else {
                if (reply != null) {
                    int status = reply.status();
                    trouble = "patchbay answered " + status + ": " + ApiClient.detailOf(reply);
                    troubleCode = ExitCodes.ofHttpStatus(status);
                    boolean waitedOut = status == 404 ? submitted : status == 429 || status / 100 == 5;
                    if (!waitedOut) {
                        return new Outcome(troubleCode, last, trouble);
                    }
                    Duration current = interval;
                    wait = ApiClient.retryAfter(reply).filter(r -> r.compareTo(current) > 0).orElse(current);
                }
                interval = next(interval);
                troubleSince = troubleSince == null ? nanoTime.getAsLong() : troubleSince;
                if (nanoTime.getAsLong() - troubleSince >= GRACE.toNanos()) {
                    return new Outcome(troubleCode, last, trouble + " (for " + GRACE.toSeconds() + " s)");
                }
            }
            long now = nanoTime.getAsLong();
            if (timeout != null) {
                long left = began + timeout.toNanos() - now;
                if (left <= 0) {
                    return new Outcome(ExitCodes.TIMED_OUT, last, "still " + (last == null ? "unknown"
                            : last.status().label()) + " after " + TimelineFormat.human(timeout) + " (--timeout)");
                }
                wait = wait.toNanos() > left ? Duration.ofNanos(left) : wait;
            }
            sleeper.sleep(wait);
        }
    }

    private static Duration next(Duration interval) {
        Duration longer = Duration.ofMillis(interval.toMillis() * 3 / 2);
        return longer.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL : longer;
    }
}
