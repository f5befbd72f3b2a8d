package io.patchbay.app;

import io.patchbay.contracts.view.PatchView;
import io.patchbay.executor.worker.PatchRunner;
import io.patchbay.executor.worker.TerminalSummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code GET /v1/patches/{id}/summary} answers: for a patch a worker ran to its outcome, the
 * summary it wrote under {@code var/summaries}; for every other patch that ended (rejected,
 * cancelled while not running, quarantined, discarded), the summary rendered from its view, with
 * the summary of its last attempt where one ran. A patch still under way has none yet.
 */
final class PatchSummaries {

    private final Function<String, Optional<PatchView>> views;
    private final Path home;
    private final Path var;

    /**
     * @param views the watchdog's patch views by id
     * @param home  the folder summary paths resolve against
     * @param var   the folder every summary file lies under; nothing outside it is read
     */
    PatchSummaries(Function<String, Optional<PatchView>> views, Path home, Path var) {
        this.views = views;
        this.home = home;
        this.var = var.toAbsolutePath().normalize();
    }

    /** The patch's summary in markdown, or empty when the patch is unknown or has none yet. */
    Optional<String> of(String patchId) throws IOException {
        Optional<PatchView> found = views.apply(patchId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PatchView view = found.get();
        Optional<String> file = file(view);
        if (TerminalSummary.rendersFor(view)) {
            // Every attempt writes the same file, so it holds the last attempt's summary, if one ran.
            String last = TerminalSummary.attempts(view) > 0 ? file.orElse(null) : null;
            return Optional.of(TerminalSummary.render(view, last));
        }
        return file;
    }

    private Optional<String> file(PatchView view) throws IOException {
        Path f = home.resolve(PatchRunner.summaryPath(view.domain(), view.id())).toAbsolutePath().normalize();
        if (!f.startsWith(var) || !Files.isRegularFile(f)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(f, StandardCharsets.UTF_8));
    }
}
