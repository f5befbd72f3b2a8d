package io.patchbay.app;

import io.patchbay.contracts.command.Submitter;
import io.patchbay.contracts.patch.PatchReader;
import io.patchbay.contracts.policy.ContractLoader;
import io.patchbay.contracts.policy.ExecutionContract;
import io.patchbay.executor.sandbox.Bubblewrap;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patchbay check PATCH_FILE}: would this patch pass? The contract's verdict and whether it
 * applies to the domain's current tree, read locally, with nothing queued and no file touched.
 */
@Command(name = "check", description = "Dry run: the contract's verdict on a patch file and whether it applies to the domain's current tree. Exits 1 when it would not pass.")
final class CheckCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The patch file (.json, .yaml, .yml, .diff, .patch).")
    Path file;

    @Option(names = "--domain", description = "The domain, for a bare diff.")
    String domain;

    @Option(names = "--home", description = "Folder holding var/ (default: the current folder).")
    Path home = Path.of(".");

    @Option(names = "--contract", description = "The execution contract (default: contracts/sot/execution-contract.yml under --home, else the built-in one).")
    Path contract;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PatchReader.Format format = PatchReader.Format.ofFileName(file.getFileName().toString());
        if (format == null) {
            spec.commandLine().getErr().println(file + ": name it .json, .yaml, .yml, .diff or .patch");
            return 2;
        }
        Path contractFile = contract != null ? contract : home.resolve("contracts/sot/execution-contract.yml");
        var limits = io.patchbay.contracts.topic.RecordLimits.fromEnv(System.getenv());
        ExecutionContract c = Files.isRegularFile(contractFile) ? ContractLoader.load(contractFile, limits)
                : ContractLoader.loadDefault(limits);
        // This machine's sandbox, as the executor here would find it at start.
        DryRun dryRun = new DryRun(() -> c, home.toAbsolutePath().normalize(), Clock.systemUTC(),
                Bubblewrap.onSystemPath().probe());
        DryRun.Report report = dryRun.report(Files.readAllBytes(file), format, domain,
                new Submitter("cli", System.getProperty("user.name", "cli")));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(io.patchbay.contracts.Json.canonical(report));
        } else {
            report.lines().forEach(out::println);
            out.println(report.passes() ? "PASS" : "FAIL");
        }
        out.flush();
        return report.passes() ? 0 : 1;
    }
}
