package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.work.WorkOrder;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the run as one commit carrying the patch's {@value PatchRunner#TRAILER} trailer. From here a
 * cancel is refused: once the commit has begun, the run finishes it and reports success.
 */
final class CommitStep implements RunStep {

    /** A run's lines keep the runner's name, whichever step writes them. */
    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    private static final Pattern PERSON = Pattern.compile("^\\s*(.*?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*$");

    @Override
    public String checkpoint() {
        return "committing";
    }

    @Override
    public void run(RunContext run) throws RunStopped, IOException, GitAPIException {
        if (!run.cancellation().beginCommit()) {
            throw new RunStopped();
        }
        WorkOrder order = run.order();
        Clock clock = run.clock();
        RevCommit c = run.git().commit(run.base(), run.commitPaths(), message(run), author(run.patch(), clock),
                new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC));
        List<Summary.ChangedFile> changed = run.git().changedFiles(c);
        log.info("patch {} committed as {} ({} file(s))", order.patchId(), c.name(), changed.size());
        run.committed(c, changed);
    }

    private static String message(RunContext run) {
        return run.title() + "\n\n" + PatchRunner.TRAILER + ": " + run.order().patchId() + "\n";
    }

    private static PersonIdent author(Patch patch, Clock clock) {
        Matcher m = patch.author() == null ? null : PERSON.matcher(patch.author());
        if (m != null && m.matches() && !m.group(1).isEmpty()) {
            return new PersonIdent(m.group(1), m.group(2), clock.instant(), ZoneOffset.UTC);
        }
        return new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
    }
}
