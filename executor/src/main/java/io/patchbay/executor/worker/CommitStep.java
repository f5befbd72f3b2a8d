package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.Identities;
import io.patchbay.contracts.work.WorkOrder;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the run as one commit carrying the patch's {@value PatchRunner#TRAILER} trailer, authored by
 * who asked for it ({@link CommitAuthor}) and committed by patchbay. From here a
 * cancel is refused: once the commit has begun, the run finishes it and reports success.
 */
final class CommitStep implements RunStep {

    /** A run's lines keep the runner's name, whichever step writes them. */
    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

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
        RevCommit c = run.git().commit(run.base(), run.commitPaths(), message(run), author(run, clock),
                new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC));
        List<Summary.ChangedFile> changed = run.git().changedFiles(c);
        log.info("patch {} committed as {} ({} file(s))", order.patchId(), c.name(), changed.size());
        run.committed(c, changed);
    }

    private static String message(RunContext run) {
        return run.title() + "\n\n" + PatchRunner.TRAILER + ": " + run.order().patchId() + "\n";
    }

    /** Who asked for the change ({@link CommitAuthor}); patchbay itself when nobody is known. */
    private static PersonIdent author(RunContext run, Clock clock) {
        CommitAuthor.Person who = CommitAuthor.of(run.patch(), run.order().submitter(), identities(run));
        if (who == null) {
            return new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
        }
        return new PersonIdent(who.name(), who.email(), clock.instant(), ZoneOffset.UTC);
    }

    private static Identities identities(RunContext run) {
        try {
            return run.contract().get().people();
        } catch (RuntimeException e) {
            // The credential still names who asked; only the person behind it is unknown.
            log.warn("no contract identities for the author of patch {}: {}", run.order().patchId(), e.toString());
            return Identities.NONE;
        }
    }
}
