package io.patchbay.executor.worker;

import io.patchbay.contracts.patch.FileChange;
import io.patchbay.contracts.patch.Gate;
import io.patchbay.contracts.patch.Patch;
import io.patchbay.contracts.event.Violation;
import io.patchbay.contracts.policy.BinaryLimit;
import io.patchbay.contracts.policy.DomainPolicy;
import io.patchbay.contracts.policy.Durations;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.contracts.policy.Rubric;
import io.patchbay.contracts.policy.Verdicts;
import io.patchbay.contracts.policy.RubricLoader;
import io.patchbay.contracts.work.FailureClass;
import io.patchbay.contracts.work.GateResult;
import io.patchbay.contracts.work.WorkOrder;
import io.patchbay.contracts.work.WorkResult;
import io.patchbay.executor.sandbox.Bubblewrap;
import io.patchbay.executor.sandbox.SandboxStatus;
import io.patchbay.executor.worker.apply.ApplyException;
import io.patchbay.executor.worker.apply.ApplyPlan;
import io.patchbay.executor.worker.apply.DiffApplier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one work order against its domain's working tree: the side effects the decider never
 * does. The mutation lands as exactly one commit carrying a {@code Patch-Id:} trailer, which makes
 * a redelivered order harmless; anything that fails leaves the tree at its base commit.
 */
public final class PatchRunner {

    private static final Logger log = LoggerFactory.getLogger(PatchRunner.class);

    /** The commit trailer that marks a patch as applied. */
    public static final String TRAILER = "Patch-Id";

    private static final Pattern PERSON = Pattern.compile("^\\s*(.*?)\\s*<([^<>\\s]+@[^<>\\s]+)>\\s*$");
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9._-]");

    private final Path home;
    private final Supplier<ExecutionContract> contract;
    private final Supplier<Rubric> rubric;
    private final Clock clock;
    private final String workerId;
    private final Bubblewrap bubblewrap;

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
     * ({@link WorkResult.TreeDrifted} when someone else changed the tree: the patch did not start);
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
            return new Run(order, progress, cancellation).execute();
        } finally {
            if (previousPatch == null) {
                MDC.remove("patchId");
            } else {
                MDC.put("patchId", previousPatch);
            }
        }
    }

    /** The steps that handle the patch's own content: what throws there is the patch's fault. */
    private static final String APPLYING_DIFF = "applying the diff";
    private static final String WRITING_FILES = "writing files";

    /** A failure that is the patch's own (or, for INFRASTRUCTURE, the worker's) with its class. */
    private static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final FailureClass failureClass;
        final String detail;

        Failure(FailureClass failureClass, String reason, String detail) {
            super(reason);
            this.failureClass = failureClass;
            this.detail = detail;
        }
    }

    /** A cancel was seen between two steps of a run. */
    private static final class Stopped extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /** The state of one run of one order. */
    private final class Run {
        private final WorkOrder order;
        private final Patch patch;
        private final Consumer<WorkResult> progress;
        private final Cancellation cancellation;
        /** What the run is doing now, for the reason of a cancel. */
        private String step = "preparing the working tree";
        private final long t0 = System.nanoTime();
        private final List<GateResult> gates = new ArrayList<>();
        private final List<Summary.CommandRun> commands = new ArrayList<>();
        private final Set<String> diffPaths = new LinkedHashSet<>();
        /** True while the diff is being written: an unexpected error there leaves the touched paths unknown. */
        private boolean diffUnsettled;
        private long deadline;
        private DomainPolicy policy;
        private Path tree;
        private ObjectId base;
        /** Present in the git folder while this run may have changed the tree. */
        private RunMarker marker;
        /** How this patch's processes start; made, and the sandbox checked, before the first one. */
        private CommandLauncher launcher;

        Run(WorkOrder order, Consumer<WorkResult> progress, Cancellation cancellation) {
            this.order = order;
            this.patch = order.patch();
            this.progress = progress;
            this.cancellation = cancellation;
        }

        WorkResult execute() throws InterruptedException {
            policy = contract.get().domain(order.domain()).orElse(null);
            if (policy == null) {
                return failed(new Failure(FailureClass.PRECONDITION,
                        "the contract has no domain '" + order.domain() + "'", null));
            }
            deadline = t0 + policy.limits().patchTimeoutDuration().toNanos();
            tree = home.resolve(policy.workspace()).normalize();
            try (GitWorkspace git = GitWorkspace.open(tree)) {
                return execute(git);
            } catch (IOException e) {
                log.error("cannot open the working tree of domain {} at {}", order.domain(), tree, e);
                return failed(new Failure(FailureClass.INFRASTRUCTURE,
                        "cannot open the working tree " + tree + ": " + e.getMessage(), null));
            }
        }

        private WorkResult execute(GitWorkspace git) throws InterruptedException {
            Repository repo = git.repository();
            try {
                base = git.head();
                if (base == null) {
                    return failed(new Failure(FailureClass.PRECONDITION,
                            "the working tree " + tree + " has no commit to start from", null));
                }
                git.removeStaleLocks();
                marker = new RunMarker(repo);
                if (marker.present()) {
                    // A run was killed after it began to change the tree: start from the last commit, exactly.
                    log.warn("domain {}: cleaning up after an interrupted run ({})", order.domain(), marker.describe());
                    git.cleanTo(base);
                    marker.clear();
                }
                RevCommit applied = git.findApplied(base, order.expectedHead(), order.patchId());
                if (applied != null) {
                    return alreadyApplied(git, applied);
                }
                // Anything else that differs was done by someone else: it stays, and the patch waits.
                Optional<TreeVerifier.Drift> drift = git.drift(order.expectedHead());
                if (drift.isPresent()) {
                    return drifted(drift.get());
                }
            } catch (IOException | GitAPIException | RuntimeException e) {
                log.error("cannot prepare the working tree of domain {}", order.domain(), e);
                return failed(new Failure(FailureClass.INFRASTRUCTURE,
                        "cannot prepare the working tree: " + e.getMessage(), null));
            }
            if (cancellation.cancelled()) {
                step = "before it started";
                return stopped(git);
            }
            log.info("running patch {} attempt {} on {} at {}", order.patchId(), order.attempt(), order.domain(),
                    base.name());
            progress.accept(new WorkResult.Started(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                    workerId, base.name()));
            try {
                checkExpectedBase();
                marker.write(order.patchId(), order.attempt(), base.name());
                TreeGuard guard = new TreeGuard(tree);
                stopIfCancelled(APPLYING_DIFF);
                diffUnsettled = true;
                applyDiff(guard);
                diffUnsettled = false;
                stopIfCancelled(WRITING_FILES);
                writeFiles(guard);
                runCommands();
                runGates(guard);
                stopIfCancelled("committing");
                if (!cancellation.beginCommit()) {
                    throw new Stopped();
                }
                WorkResult done = commit(git);
                marker.clearQuietly();
                return done;
            } catch (Stopped s) {
                return stopped(git);
            } catch (Failure f) {
                // A diff that fails as the patch's fault was refused before it wrote anything.
                diffUnsettled = false;
                // A killed gate or command fails like any other: the cancel, not the exit code, says why.
                if (cancellation.cancelled()) {
                    return stopped(git);
                }
                rollback(git);
                return failed(f);
            } catch (InterruptedException e) {
                rollback(git);
                throw e;
            } catch (IOException | GitAPIException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
                if (cancellation.cancelled()) {
                    return stopped(git);
                }
                // The patch's own content (its diff, its files) throwing is its fault; the machine's is not.
                boolean content = step.equals(APPLYING_DIFF) || step.equals(WRITING_FILES);
                FailureClass cls = FailureClass.ofUnexpected(e, content);
                log.error("patch {} hit {} fault while {}", order.patchId(),
                        cls == FailureClass.INFRASTRUCTURE ? "an infrastructure" : "its own", step, e);
                rollback(git);
                return failed(new Failure(cls, cls == FailureClass.INFRASTRUCTURE ? "the worker failed: " + e
                        : "the patch cannot be applied (" + step + "): " + e, null));
            }
        }

        // ---- steps ------------------------------------------------------------------------

        private void checkExpectedBase() throws Failure {
            String expected = patch.expect() == null ? null : patch.expect().baseCommit();
            if (expected != null && !expected.isBlank() && !base.name().startsWith(expected.strip().toLowerCase())) {
                throw new Failure(FailureClass.PRECONDITION, "the patch expects base commit " + expected
                        + " but the working tree is at " + base.name(), null);
            }
        }

        private void applyDiff(TreeGuard guard) throws Failure, IOException {
            // The file writes come after the diff: check theirs first, so a refusal leaves the tree untouched.
            for (FileChange f : patch.files()) {
                String denied = contractDenies(f.path());
                if (denied != null) {
                    throw new Failure(FailureClass.PRECONDITION, denied, null);
                }
            }
            if (patch.diff() == null) {
                return;
            }
            try {
                // Binary files bounded as the verdict bounded them, so the two agree on what reads.
                ApplyPlan plan = new DiffApplier(guard, BinaryLimit.of(policy)).apply(patch.diff().bytes(), paths -> {
                    for (String path : paths) {
                        String denied = contractDenies(path);
                        if (denied != null) {
                            throw new ApplyException(denied);
                        }
                    }
                });
                diffPaths.addAll(plan.touchedPaths());
                log.info("patch {}: the diff wrote {} file(s) and removed {}", order.patchId(), plan.writtenCount(),
                        plan.removedCount());
            } catch (ApplyException e) {
                throw new Failure(FailureClass.DOES_NOT_APPLY, e.getMessage(), e.detail());
            } catch (TreeGuard.Escape e) {
                throw new Failure(FailureClass.DOES_NOT_APPLY, "refused: " + e.getMessage(), null);
            }
        }

        /**
         * Why the contract as it is now refuses a path, or null. The verdict judged the same paths;
         * this catches a contract changed since, right before the write.
         */
        private String contractDenies(String path) {
            DomainPolicy now = contract.get().domain(order.domain()).orElse(policy);
            List<Violation> found = Verdicts.pathViolations(path, now);
            return found.isEmpty() ? null : "refused before writing: " + found.get(0).code() + ": "
                    + found.get(0).message();
        }

        private void writeFiles(TreeGuard guard) throws Failure, IOException {
            for (FileChange f : patch.files()) {
                if (f.isDelete()) {
                    Path target = guarded(() -> guard.forDelete(f.path()));
                    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot delete " + f.path()
                                + ": there is no such file", null);
                    }
                    if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot delete " + f.path()
                                + ": it is a folder, and patches delete files one by one", null);
                    }
                    Files.delete(target);
                } else if (f.isInsert()) {
                    insert(f, guarded(() -> guard.forWrite(f.path())));
                } else {
                    Path target = guarded(() -> guard.forWrite(f.path()));
                    if (Files.isDirectory(target)) {
                        throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot write " + f.path()
                                + ": it is a folder", null);
                    }
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, f.content() == null ? "" : f.content(), StandardCharsets.UTF_8);
                }
            }
        }

        /** Inserts into the file as the diff and earlier changes left it; the anchor must be there. */
        private void insert(FileChange f, Path target) throws Failure, IOException {
            if (!Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path()
                        + ": there is no such file", null);
            }
            String current;
            try {
                current = Files.readString(target, StandardCharsets.UTF_8);
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path()
                        + ": it is not UTF-8 text", null);
            }
            String updated = f.insertInto(current);
            if (updated == null) {
                String anchor = f.insertAfter() != null ? f.insertAfter() : f.insertBefore();
                throw new Failure(FailureClass.DOES_NOT_APPLY, "cannot insert into " + f.path() + ": the text to insert "
                        + (f.insertAfter() != null ? "after" : "before") + " is not in the file", anchor);
            }
            Files.writeString(target, updated, StandardCharsets.UTF_8);
        }

        private void runCommands() throws Failure, InterruptedException, Stopped {
            Duration timeout = policy.limits().commandTimeoutDuration();
            for (List<String> argv : patch.commands()) {
                stopIfCancelled("command `" + String.join(" ", argv) + "`");
                ProcessRunner.Outcome o = start(argv, bounded(timeout, argv));
                commands.add(new Summary.CommandRun(argv, o.exitCode(), o.timedOut(), o.durationMs(), o.outputTail()));
                if (o.timedOut()) {
                    throw new Failure(FailureClass.TIMEOUT, "command `" + String.join(" ", argv) + "` ran past "
                            + human(timeout), o.outputTail());
                }
                if (o.exitCode() != 0) {
                    throw new Failure(FailureClass.COMMAND_FAILED, "command `" + String.join(" ", argv)
                            + "` exited with " + o.exitCode(), o.outputTail());
                }
            }
        }

        private void runGates(TreeGuard guard) throws Failure, InterruptedException, Stopped {
            List<Gate> all = new ArrayList<>(policy.gates().required());
            all.addAll(patch.gates().isEmpty() ? policy.gates().defaults() : patch.gates());
            int n = 0;
            for (Gate gate : all) {
                n++;
                String name = gate.name() == null || gate.name().isBlank() ? "gate " + n : gate.name();
                stopIfCancelled("gate '" + name + "'");
                GateResult r;
                boolean timedOut = false;
                Duration timeout = gate.timeout() == null ? policy.limits().commandTimeoutDuration()
                        : Durations.parse(gate.timeout());
                if (gate.isCommand()) {
                    ProcessRunner.Outcome o = start(gate.run(), bounded(timeout, gate.run()));
                    timedOut = o.timedOut();
                    String tail = timedOut ? o.outputTail() + "\n[killed after " + human(timeout) + "]"
                            : o.outputTail();
                    r = new GateResult(name, o.succeeded(), o.exitCode(), o.durationMs(), tail);
                } else {
                    r = fileContains(name, gate, guard);
                }
                gates.add(r);
                progress.accept(new WorkResult.GateFinished(order.domain(), order.patchId(), order.attempt(),
                        clock.instant(), r));
                if (timedOut) {
                    throw new Failure(FailureClass.TIMEOUT, "gate '" + name + "' ran past its timeout of "
                            + human(timeout), r.outputTail());
                }
                if (!r.passed()) {
                    throw new Failure(FailureClass.GATE_FAILED, "gate '" + name + "' failed with exit code "
                            + r.exitCode(), r.outputTail());
                }
            }
        }

        /** Runs one command or command gate as the domain's contract says: sandboxed unless it says none. */
        private ProcessRunner.Outcome start(List<String> argv, Duration timeout) throws Failure, InterruptedException {
            if (launcher == null) {
                var candidate = new CommandLauncher(policy.commands(), bubblewrap, home, tree);
                SandboxStatus status = candidate.check();
                if (!status.available()) {
                    // Not the patch's fault, but no retry brings the sandbox back: a person must act.
                    throw new Failure(FailureClass.PRECONDITION, "the command sandbox is not available on this worker ("
                            + status.reason() + "); " + Bubblewrap.HOW_TO_INSTALL, null);
                }
                launcher = candidate;
            }
            try (CommandLauncher.Launch launch = launcher.launch(argv, environment())) {
                return ProcessRunner.run(launch.argv(), tree, launch.env(), timeout, policy.limits().outputBytes(),
                        cancellation);
            } catch (CommandLauncher.Refused e) {
                return new ProcessRunner.Outcome(-1, false, e.getMessage(), 0);
            } catch (IOException e) {
                throw new Failure(FailureClass.INFRASTRUCTURE, "cannot start `" + String.join(" ", argv) + "`: "
                        + e.getMessage(), null);
            }
        }

        /** The sandbox caution of the domain for its summaries; null where commands run sandboxed. */
        private String sandboxCaution() {
            return policy == null ? null : new CommandLauncher(policy.commands(), bubblewrap, home, tree).caution();
        }

        private GateResult fileContains(String name, Gate gate, TreeGuard guard) {
            long g0 = System.nanoTime();
            Gate.FileContains fc = gate.fileContains();
            String out;
            boolean passed = false;
            if (fc == null || fc.path() == null || fc.text() == null) {
                out = "the gate neither runs a command nor names a file and a text";
            } else {
                try {
                    Path p = guard.forWrite(fc.path());
                    if (!Files.isRegularFile(p)) {
                        out = fc.path() + " does not exist";
                    } else {
                        passed = Files.readString(p, StandardCharsets.UTF_8).contains(fc.text());
                        out = fc.path() + (passed ? " contains " : " does not contain ") + "\"" + fc.text() + "\"";
                    }
                } catch (TreeGuard.Escape e) {
                    out = e.getMessage();
                } catch (IOException e) {
                    out = "cannot read " + fc.path() + ": " + e.getMessage();
                }
            }
            return new GateResult(name, passed, passed ? 0 : 1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - g0),
                    out);
        }

        private WorkResult commit(GitWorkspace git) throws GitAPIException, IOException {
            RevCommit c = git.commit(base, touched(), message(), author(),
                    new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC));
            List<Summary.ChangedFile> changed = git.changedFiles(c);
            log.info("patch {} committed as {} ({} file(s))", order.patchId(), c.name(), changed.size());
            long ms = elapsedMs();
            Rubric.Score score = score(true, changed, ms);
            var summary = new Summary(title(), order.patchId(), order.domain(), order.attempt(), "Succeeded",
                    base.name(), c.name(), changed, commands, gates, ms, null, null, notes(), score)
                    .withSandbox(sandboxCaution());
            String path = writeSummary(summary.markdown());
            return new WorkResult.Succeeded(order.domain(), order.patchId(), order.attempt(), clock.instant(), c.name(),
                    changed.stream().map(Summary.ChangedFile::path).toList(), List.copyOf(gates), path,
                    summary.markdown(), ms, false, score == null ? null : score.score());
        }

        // ---- results ----------------------------------------------------------------------

        private WorkResult alreadyApplied(GitWorkspace git, RevCommit applied) throws IOException {
            log.info("patch {} is already applied as {}; reporting success without applying it again",
                    order.patchId(), applied.name());
            List<Summary.ChangedFile> changed = git.changedFiles(applied);
            Path file = home.resolve(summaryPath(order.domain(), order.patchId()));
            String text;
            String path;
            if (Files.isRegularFile(file)) {
                text = Files.readString(file, StandardCharsets.UTF_8);
                path = summaryPath(order.domain(), order.patchId()).toString();
            } else {
                var summary = new Summary(title(), order.patchId(), order.domain(), order.attempt(),
                        "Succeeded (already applied)", null, applied.name(), changed, List.of(), List.of(),
                        elapsedMs(), null, null).withSandbox(sandboxCaution());
                text = summary.markdown();
                path = writeSummary(text);
            }
            return new WorkResult.Succeeded(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                    applied.name(), changed.stream().map(Summary.ChangedFile::path).toList(), List.of(), path, text,
                    elapsedMs(), true);
        }

        /** Marks the step the run is in, and stops it there when a cancel came. */
        private void stopIfCancelled(String next) throws Stopped {
            step = next;
            if (cancellation.cancelled()) {
                throw new Stopped();
            }
        }

        /** The run was cancelled: the tree goes back to its base and the patch is reported as stopped. */
        private WorkResult stopped(GitWorkspace git) {
            rollback(git);
            String where = step.startsWith("before") ? step : "during " + step;
            String reason = "stopped " + where + "; the working tree is back at " + base.name();
            log.info("patch {} attempt {} cancelled: {}", order.patchId(), order.attempt(), reason);
            long ms = elapsedMs();
            var changed = patch.touchedPaths().stream().map(p -> new Summary.ChangedFile(p, "not applied", 0, 0)).toList();
            String text = new Summary(title(), order.patchId(), order.domain(), order.attempt(), "Cancelled", base.name(),
                    null, changed, commands, gates, ms, reason, null).withSandbox(sandboxCaution()).markdown();
            return new WorkResult.Cancelled(order.domain(), order.patchId(), order.attempt(), clock.instant(), reason,
                    List.copyOf(gates), writeSummary(text), text, ms);
        }

        /** The tree is not what the log says: nothing was touched, and the decider freezes the domain. */
        private WorkResult drifted(TreeVerifier.Drift drift) {
            log.warn("patch {} attempt {} not started: the working tree of {} drifted: {}", order.patchId(),
                    order.attempt(), order.domain(), drift.detail());
            return new WorkResult.TreeDrifted(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                    drift.expectedCommit(), drift.actualCommit(), drift.files(), drift.detail());
        }

        private WorkResult failed(Failure f) {
            log.warn("patch {} attempt {} failed ({}): {}", order.patchId(), order.attempt(), f.failureClass,
                    f.getMessage());
            long ms = elapsedMs();
            var changed = patch == null ? List.<Summary.ChangedFile>of()
                    : patch.touchedPaths().stream().map(p -> new Summary.ChangedFile(p, "not applied", 0, 0)).toList();
            // Nothing of a failed patch landed, so the rubric sees no change.
            Rubric.Score score = score(false, List.of(), ms);
            var summary = new Summary(title(), order.patchId(), order.domain(), order.attempt(),
                    "Failed (" + f.failureClass + ")", base == null ? null : base.name(), null, changed, commands,
                    gates, ms, f.getMessage(), f.detail, notes(), score).withSandbox(sandboxCaution());
            String text = summary.markdown();
            String path = writeSummary(text);
            return new WorkResult.Failed(order.domain(), order.patchId(), order.attempt(), clock.instant(),
                    f.failureClass, f.getMessage(), f.detail, List.copyOf(gates), path, text, ms,
                    score == null ? null : score.score());
        }

        /** The rubric's score of the finished run, or null when it cannot be scored (the outcome stands without). */
        private Rubric.Score score(boolean succeeded, List<Summary.ChangedFile> changed, long ms) {
            try {
                Duration sla = policy == null ? null : Durations.parse(policy.sla().runTime());
                var outcome = new Rubric.Outcome(succeeded, patch == null ? List.of() : patch.touchedPaths(),
                        changed.stream().map(c -> new Rubric.Change(c.path(), c.added(), c.removed())).toList(),
                        gates, Duration.ofMillis(ms), sla, order.attempt());
                return rubric.get().score(outcome);
            } catch (RuntimeException e) {
                log.warn("cannot score patch {} with the rubric: {}", order.patchId(), e.toString());
                return null;
            }
        }

        private Patch.Notes notes() {
            return patch == null ? null : patch.notes();
        }

        /** Writes the summary and returns its path relative to home, or null when it could not be written. */
        private String writeSummary(String text) {
            Path rel = summaryPath(order.domain(), order.patchId());
            Path file = home.resolve(rel);
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), ".summary", ".tmp");
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                return rel.toString();
            } catch (IOException e) {
                // The outcome stands without its file: the summary text still travels in the result.
                log.warn("cannot write the summary of patch {} to {}: {}", order.patchId(), file, e.getMessage());
                return null;
            }
        }

        // ---- helpers ----------------------------------------------------------------------

        private <T> T guarded(GuardedCall<T> call) throws Failure, IOException {
            try {
                return call.get();
            } catch (TreeGuard.Escape e) {
                throw new Failure(FailureClass.DOES_NOT_APPLY, "refused: " + e.getMessage(), null);
            }
        }

        private void rollback(GitWorkspace git) {
            try {
                var paths = new LinkedHashSet<>(patch.touchedPaths());
                paths.addAll(diffPaths);
                // Only the paths the patch names and its diff wrote changed, unless a process ran or the diff
                // broke off unexpectedly: then the whole tree goes back (files git ignores stay).
                git.rollback(base, paths, launcher != null || diffUnsettled);
                if (marker != null) {
                    marker.clearQuietly();
                }
            } catch (IOException | GitAPIException | RuntimeException e) {
                // The next order resets the tree again before it starts, so this is not lost.
                log.error("cannot roll the working tree of domain {} back to {}", order.domain(), base.name(), e);
            }
        }

        /**
         * The paths that may differ from the base, for a commit of those alone; null when a command or
         * command gate ran, since a process may change any file: that patch's commit scans the whole tree.
         */
        private Set<String> touched() {
            if (launcher != null) {
                return null;
            }
            var paths = new LinkedHashSet<>(patch.touchedPaths());
            paths.addAll(diffPaths);
            return paths;
        }

        /**
         * All a command's environment holds besides HOME and TMPDIR, which {@link CommandLauncher} adds:
         * nothing of the service's own. A {@code git} it runs takes no hook from the tree.
         */
        private Map<String, String> environment() {
            var env = new LinkedHashMap<String, String>();
            env.put("PATH", Bubblewrap.SYSTEM_PATH);
            env.put("LANG", "C.UTF-8");
            env.put("PATCHBAY_PATCH_ID", order.patchId());
            env.put("PATCHBAY_DOMAIN", order.domain());
            env.put("GIT_CONFIG_COUNT", "1");
            env.put("GIT_CONFIG_KEY_0", "core.hooksPath");
            env.put("GIT_CONFIG_VALUE_0", "/dev/null");
            return env;
        }

        /** The step's own timeout, cut to what is left of the patch's. */
        private Duration bounded(Duration timeout, List<String> argv) throws Failure {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Failure(FailureClass.TIMEOUT, "the patch ran past its timeout of "
                        + policy.limits().patchTimeout() + " before `" + String.join(" ", argv) + "`", null);
            }
            return timeout.toNanos() < left ? timeout : Duration.ofNanos(left);
        }

        private String title() {
            String t = patch == null ? null : Summary.oneLine(patch.title());
            return t == null || t.isEmpty() ? "Patch " + order.patchId() : t;
        }

        private String message() {
            return title() + "\n\n" + TRAILER + ": " + order.patchId() + "\n";
        }

        private PersonIdent author() {
            Matcher m = patch.author() == null ? null : PERSON.matcher(patch.author());
            if (m != null && m.matches() && !m.group(1).isEmpty()) {
                return new PersonIdent(m.group(1), m.group(2), clock.instant(), ZoneOffset.UTC);
            }
            return new PersonIdent(Workspaces.PATCHBAY, clock.instant(), ZoneOffset.UTC);
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }

    static String human(Duration d) {
        if (d.toMillis() % 1000 != 0 || d.isZero()) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    @FunctionalInterface
    private interface GuardedCall<T> {
        T get() throws TreeGuard.Escape, IOException;
    }
}
