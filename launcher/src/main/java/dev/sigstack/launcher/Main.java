package dev.sigstack.launcher;

import dev.sigstack.core.logging.Logs;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sigstack run}: the whole stack in one process on embedded defaults. */
@Command(name = "sigstack run", mixinStandardHelpOptions = true, version = "sigstack 0.1.0", subcommands = Demo.class,
        description = "Runs the stack on embedded defaults (H2 under the data directory) and writes stack.json.")
public final class Main implements Callable<Integer> {
    @Option(names = "--data-dir", description = "State folder: database, keys, stack.json (default: ${DEFAULT-VALUE})")
    Path dataDir = Path.of("data");

    @Option(names = "--host", description = "Address to bind and to advertise (default: ${DEFAULT-VALUE})")
    String host = "127.0.0.1";

    @Option(names = "--base-port", description = "First port: Rekor v1 +0, Rekor v2 +1, CT log +2, CA REST +5, CA gRPC +6,"
            + " CA URL for clients (REST and gRPC over TLS on one port) +7, TUF mirror +8, admission gate (TLS) +9; 0 takes free ports (default: ${DEFAULT-VALUE})")
    int basePort = 3000;

    @Option(names = "--identity-config", description = "A Fulcio identity config (YAML or JSON) for issuers besides"
            + " the built-in development issuer")
    Path identityConfig;

    @Option(names = "--plain-http-registry", paramLabel = "HOST:PORT", description = "A registry the admission gate"
            + " reaches over plain HTTP (a local test registry); repeatable. Loopback (localhost, 127.0.0.1, [::1]) is"
            + " always plain HTTP, as in go-containerregistry; others are reached over HTTPS.")
    Set<String> plainHttpRegistries = new java.util.LinkedHashSet<>();

    @Option(names = "--verbose", description = "Also print the services' log on the console (it always goes to"
            + " DATA_DIR/sigstack.log)")
    boolean verbose;

    @Option(names = "--log-format", paramLabel = "text|json", description = "Log line format (default: the"
            + " SIGSTACK_LOG_FORMAT environment variable, else text); the level is SIGSTACK_LOG_LEVEL (default info)")
    String logFormat;

    Main() {
    }

    public static void main(String[] args) {
        // quiet until the data directory is known: the services' log goes to its sigstack.log (see call)
        Logs.configure(Logs.Settings.fromEnvironment().withConsoleLevel(Level.WARNING));
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        Logs.Settings log = Logs.Settings.fromEnvironment();
        if (logFormat != null) {
            log = new Logs.Settings(Logs.Format.parse(logFormat), log.consoleLevel(), null, log.fileLevel());
        }
        // the console shows the URL block and what needs the user (warnings, errors); the rest is in the file
        Logs.configure(log.withFile(dataDir.resolve("sigstack.log"), log.consoleLevel())
                .withConsoleLevel(verbose ? log.consoleLevel() : Level.WARNING));
        Stack stack;
        try {
            stack = Stack.start(new Stack.Settings(dataDir, host, basePort, identityConfig, plainHttpRegistries));
        } catch (dev.sigstack.tlog.LogIntegrityException e) {
            // a log's store holds less than the log promised: one line, and a status of its own
            System.err.println("sigstack: " + e.getMessage());
            return dev.sigstack.tlog.LogIntegrityException.EXIT_CODE;
        } catch (Stack.DataDirectoryInUseException | dev.sigstack.gate.policy.PolicyException e) {
            // the user's to fix, and the message says how: no stack trace
            System.err.println("sigstack: " + e.getMessage());
            return 1;
        } catch (IllegalStateException e) {
            if (e.getMessage() == null || !e.getMessage().contains("cannot listen on")) {
                throw e;
            }
            System.err.println("sigstack: " + e.getMessage() + "; stop what uses it, or give --base-port another"
                    + " port (--base-port 0 picks free ones)");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        System.out.println(stack.banner());
        new CountDownLatch(1).await();
        return 0;
    }
}
