package io.patchbay.executor.worker;

import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.policy.RubricLoader;
import io.patchbay.contracts.topic.RecordLimits;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.Bubblewrap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one work order against its domain's working tree: the side effects the decider never
 * does. The mutation lands as exactly one commit carrying a {@code Patch-Id:} trailer, which makes
 * a redelivered order harmless; anything that fails leaves the tree at its base commit.
 *
 * <p>A run prepares the tree ({@link GitWorkspace}), then runs {@link #STEPS} in order, looking for
 * a cancel before each; the state they share is a {@link RunContext}, its end a {@link RunReport}.
 */
public final class PatchRunner {

    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    /** The commit trailer that marks a patch as applied. */
    public static final String TRAILER = "Patch-Id";

    /** A run's steps, in order: the commit is the last, and the only one a cancel cannot stop once begun. */
    static final List<RunStep> STEPS = List.of(new ApplyDiffStep(), new WriteFilesStep(), new CommandsStep(),
            new GatesStep(), new CommitStep());

    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9._-]");

    private final Path home;
    private final Supplier<ExecutionContract> contract;
    private final Supplier<Rubric> rubric;
    private final Clock clock;
    private final String workerId;
    private final Bubblewrap bubblewrap;
    private final OutputBudget budget;

    /**
     * Scores finished patches with the rubric shipped with patchbay.
     *
     * @param home     the base folder that contract workspace paths and {@code var/summaries} resolve against
     * @param workerId names this worker in Started results
     */
    public PatchRunner(Path home, Supplier<ExecutionContract> contract, Clock clock, String workerId) {
        this(home, contract, defaultRubric(), clock, workerId);
    }

    /**
     * @param rubric the self-evaluation rubric, read for every finished patch
     */
    public PatchRunner(Path home, Supplier<ExecutionContract> contract, Supplier<Rubric> rubric, Clock clock,
            String workerId) {
        this(home, contract, rubric, clock, workerId, Bubblewrap.onSystemPath());
    }

    /**
     * @param bubblewrap the sandbox that commands and gates run in, unless their domain's contract says
     *                   {@code sandbox: none}; checked before the first process of every patch
     */
    public PatchRunner(Path home, Supplier<ExecutionContract> contract, Supplier<Rubric> rubric, Clock clock,
            String workerId, Bubblewrap bubblewrap) {
        this(home, contract, rubric, clock, workerId, bubblewrap, RecordLimits.DEFAULT);
    }

    /**
     * @param recordLimits the records results travel in, which bound the output one patch keeps in all
     *                     ({@link OutputBudget#of})
     */
    public PatchRunner(Path home, Supplier<ExecutionContract> contract, Supplier<Rubric> rubric, Clock clock,
            String workerId, Bubblewrap bubblewrap, RecordLimits recordLimits) {
        this.budget = OutputBudget.of(Objects.requireNonNull(recordLimits, "recordLimits"));
        this.bubblewrap = Objects.requireNonNull(bubblewrap, "bubblewrap");
        this.home = Objects.requireNonNull(home, "home");
        this.contract = Objects.requireNonNull(contract, "contract");
        this.rubric = Objects.requireNonNull(rubric, "rubric");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workerId = Objects.requireNonNull(workerId, "workerId");
    }

    /** The rubric shipped with patchbay ({@link RubricLoader#DEFAULT_RESOURCE}), read once. */
    public static Supplier<Rubric> defaultRubric() {
        Rubric shipped = RubricLoader.loadDefault();
        return () -> shipped;
    }

    /** Where the summary of a patch is written, relative to home. */
    public static Path summaryPath(String domain, String patchId) {
        String name = UNSAFE_NAME.matcher(patchId).replaceAll("_");
        if (name.startsWith(".")) {
            name = "_" + name.substring(1);
        }
        return Path.of("var", "summaries", domain, name + ".md");
    }

    /**
     * Runs the order and returns its terminal result, {@link WorkResult.Succeeded} or {@link WorkResult.Failed}
     * ({@link WorkResult.TreeDrifted} when someone else changed the tree, {@link WorkResult.NotStarted}
     * when the patch it was dispatched behind did not land: the patch did not start);
     * Started and GateFinished go to {@code progress} as they happen.
     *
     * @throws InterruptedException when the worker is shutting down; the tree is rolled back and nothing is reported
     */
    public WorkResult run(WorkOrder order, Consumer<WorkResult> progress) throws InterruptedException {
        return run(order, progress, Cancellation.none());
    }

    /**
     * As {@link #run(WorkOrder, Consumer)}; once {@code cancellation} is thrown, the run stops at its
     * next step (a running command or gate is killed with its process tree), rolls the tree back and
     * returns {@link WorkResult.Cancelled}, unless it had begun to commit, which it then finishes.
     */
    public WorkResult run(WorkOrder order, Consumer<WorkResult> progress, Cancellation cancellation)
            throws InterruptedException {
        String previousPatch = MDC.get("patchId");
        MDC.put("patchId", order.patchId());
        try {
            return execute(new RunContext(order, progress, cancellation, clock, home, contract, bubblewrap));
        } finally {
            if (previousPatch == null) {
                MDC.remove("patchId");
            } else {
                MDC.put("patchId", previousPatch);
            }
        }
    }

    private WorkResult execute(RunContext run) throws InterruptedException {
        WorkOrder order = run.order();
        RunReport report = new RunReport(run, home, rubric, budget);
        DomainPolicy policy = contract.get().domain(order.domain()).orElse(null);
        if (policy == null) {
            return report.failed(new StepFailure(FailureClass.PRECONDITION,
                    "the contract has no domain '" + order.domain() + "'", null));
        }
        Path tree = home.resolve(policy.workspace()).normalize();
        run.resolved(policy, tree);
        try {
            RemoteSteps.cloneIfMissing(run);
        } catch (StepFailure f) {
            return report.failed(f);
        }
        try (GitWorkspace git = GitWorkspace.open(tree)) {
            DomainLock lock = DomainLock.acquire(git.repository().getDirectory().toPath(), order.domain(), workerId,
                    run.cancellation()::cancelled);
            if (lock == null) {
                return abandonedBeforeStart(run, report, git);
            }
            try (lock) {
                return execute(run, report, git);
            }
        } catch (IOException e) {
            log.error("cannot open the working tree of domain {} at {}", order.domain(), tree, e);
            return report.failed(new StepFailure(FailureClass.INFRASTRUCTURE,
                    "cannot open the working tree " + tree + ": " + e.getMessage(), null));
        }
    }

    /** Cancelled or fenced while another worker held the tree: nothing was touched. */
    private static WorkResult abandonedBeforeStart(RunContext run, RunReport report, GitWorkspace git)
            throws IOException {
        String fenced = run.cancellation().fenced();
        if (fenced != null) {
            throw new Fenced(fenced);
        }
        run.opened(git, git.head());
        run.enter("before it started");
        return report.stopped();
    }

    private WorkResult execute(RunContext run, RunReport report, GitWorkspace git) throws InterruptedException {
        WorkOrder order = run.order();
        ObjectId base;
        RunMarker marker;
        try {
            base = git.head();
            if (base == null) {
                return report.failed(new StepFailure(FailureClass.PRECONDITION,
                        "the working tree " + run.tree() + " has no commit to start from", null));
            }
            run.opened(git, base);
            git.removeStaleLocks();
            marker = new RunMarker(git.repository());
            if (marker.present()) {
                // A run was killed after it began to change the tree: start from the last commit, exactly.
                log.warn("domain {}: cleaning up after an interrupted run ({})", order.domain(), marker.describe());
                git.cleanTo(base);
                marker.clear();
            }
            String expectedHead = RemoteSteps.expectedHead(run, order.expectedHead());
            RevCommit applied;
            if (order.after() != null) {
                // Dispatched behind another patch: it starts only on that patch's commit.
                GitWorkspace.FollowCheck follows = git.follows(base, order.patchId(), order.after());
                applied = follows.applied();
                if (applied == null && !follows.turn()) {
                    return report.notStarted(base.name());
                }
                expectedHead = base.name();
            } else {
                applied = git.findApplied(base, expectedHead, order.patchId());
            }
            if (applied != null) {
                RemoteSteps.ensurePushed(run, applied);
                return report.alreadyApplied(git, applied);
            }
            // Anything else that differs was done by someone else: it stays, and the patch waits.
            Optional<TreeVerifier.Drift> drift = git.drift(expectedHead);
            if (drift.isPresent()) {
                return report.drifted(RemoteSteps.explain(run, drift.get()));
            }
            RemoteSteps.fastForward(run);
            if (run.movedFrom() != null) {
                // What came from the remote may hold this very patch: pushed by a worker that died before
                // it reported, on another instance or on this one before its tree was replaced.
                RevCommit landed = git.findApplied(run.base(), null, order.patchId());
                if (landed != null) {
                    return report.alreadyApplied(git, landed);
                }
            }
        } catch (StepFailure f) {
            return report.failed(f);
        } catch (IOException | GitAPIException | RuntimeException e) {
            log.error("cannot prepare the working tree of domain {}", order.domain(), e);
            return report.failed(new StepFailure(FailureClass.INFRASTRUCTURE,
                    "cannot prepare the working tree: " + e.getMessage(), null));
        }
        if (run.cancellation().cancelled()) {
            run.enter("before it started");
            return stopped(run, report, marker);
        }
        return runSteps(run, report, marker);
    }

    private WorkResult runSteps(RunContext run, RunReport report, RunMarker marker) throws InterruptedException {
        WorkOrder order = run.order();
        String base = run.base().name();
        log.info("running patch {} attempt {} on {} at {}", order.patchId(), order.attempt(), order.domain(), base);
        run.progress().accept(new WorkResult.Started(order.domain(), order.patchId(), order.attempt(),
                clock.instant(), workerId, base, run.movedFrom() == null ? null : run.movedFrom().name()));
        try {
            checkExpectedBase(run);
            marker.write(order.patchId(), order.attempt(), base);
            run.guarded(new TreeGuard(run.tree()));
            for (int round = 1; ; round++) {
                for (RunStep step : STEPS) {
                    if (step.checkpoint() != null) {
                        run.stopIfCancelled(step.checkpoint());
                    }
                    step.run(run);
                }
                if (run.remote() == null || RemoteSteps.push(run, round)) {
                    break;
                }
                marker.write(order.patchId(), order.attempt(), run.base().name());
            }
            WorkResult done = report.succeeded();
            marker.clearQuietly();
            return done;
        } catch (RunStopped s) {
            return stopped(run, report, marker);
        } catch (StepFailure failure) {
            StepFailure f = RemoteSteps.explain(run, failure);
            // A diff that fails as the patch's fault was refused before it wrote anything.
            run.diffUnsettled(false);
            // A killed gate or command fails like any other: the cancel, not the exit code, says why.
            if (run.cancellation().cancelled()) {
                return stopped(run, report, marker);
            }
            rollback(run, marker);
            return report.failed(f);
        } catch (InterruptedException e) {
            rollback(run, marker);
            throw e;
        } catch (IOException | GitAPIException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            if (run.cancellation().cancelled()) {
                return stopped(run, report, marker);
            }
            // The patch's own content (its diff, its files) throwing is its fault; the machine's is not.
            FailureClass cls = FailureClass.ofUnexpected(e, run.inPatchContent());
            log.error("patch {} hit {} fault while {}", order.patchId(),
                    cls == FailureClass.INFRASTRUCTURE ? "an infrastructure" : "its own", run.step(), e);
            rollback(run, marker);
            return report.failed(new StepFailure(cls, cls == FailureClass.INFRASTRUCTURE ? "the worker failed: " + e
                    : "the patch cannot be applied (" + run.step() + "): " + e, null));
        }
    }

    private static void checkExpectedBase(RunContext run) throws StepFailure {
        String expected = run.patch().expect() == null ? null : run.patch().expect().baseCommit();
        String base = run.base().name();
        if (expected != null && !expected.isBlank() && !base.startsWith(expected.strip().toLowerCase())) {
            throw new StepFailure(FailureClass.PRECONDITION, "the patch expects base commit " + expected
                    + " but the working tree is at " + base, null);
        }
    }

    /**
     * The run was cancelled: the tree goes back to its base and the patch is reported as stopped. A
     * fenced run goes back the same way (it still holds the tree's lock) and reports nothing.
     */
    private static WorkResult stopped(RunContext run, RunReport report, RunMarker marker) {
        rollback(run, marker);
        String fenced = run.cancellation().fenced();
        if (fenced != null) {
            log.warn("patch {} attempt {} stopped {} and rolled back, not reported: {}", run.order().patchId(),
                    run.order().attempt(), run.step(), fenced);
            throw new Fenced(fenced);
        }
        return report.stopped();
    }

    private static void rollback(RunContext run, RunMarker marker) {
        try {
            // Only the paths the patch names and its diff wrote changed, unless a process ran or the diff
            // broke off unexpectedly: then the whole tree goes back (files git ignores stay).
            run.git().rollback(run.base(), run.touchedPaths(), run.wholeTreeChanged());
            if (marker != null) {
                marker.clearQuietly();
            }
        } catch (IOException | GitAPIException | RuntimeException e) {
            // The next order resets the tree again before it starts, so this is not lost.
            log.error("cannot roll the working tree of domain {} back to {}", run.order().domain(),
                    run.base().name(), e);
        }
    }
}
