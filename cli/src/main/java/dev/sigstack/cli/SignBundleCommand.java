package dev.sigstack.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Placeholder until the signer lands in this branch. */
@Command(name = "sign-bundle", mixinStandardHelpOptions = true, description = "Sign a file into a Sigstore bundle.")
final class SignBundleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: sign-bundle is not implemented yet");
        return Main.FAILED;
    }
}
