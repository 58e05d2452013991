package dev.sigstack.cli;

import dev.sigstack.core.logging.Logs;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sigstack-cli sign-bundle | verify-bundle}. Exit code 0 on success, 1 when signing or verification fails
 * (the reason on stderr), 2 on a usage error.
 */
@Command(name = "sigstack-cli", mixinStandardHelpOptions = true, version = "sigstack-cli 0.1.0",
        description = "Sign and verify Sigstore bundles against a self-hosted Sigstore stack.",
        subcommands = {SignBundleCommand.class, VerifyBundleCommand.class})
public final class Main implements Runnable {
    /** Signing or verification failed. */
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: sign-bundle or verify-bundle");
    }

    public static void main(String[] args) {
        Logs.configure();
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return FAILED;
        });
        return cl.execute(args);
    }
}
