package dev.sigstack.tlog;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/**
 * TEST-ONLY: runs the service as {@link Main} does (Rekor v1 API included), plus the {@link TestAppendRoutes}
 * raw append routes that the benchmark uses for its engine-over-HTTP rows.
 */
final class TestTlogMain {
    private TestTlogMain() {
    }

    public static void main(String[] args) throws Exception {
        LogConfig.configureRuntime();
        Config config = Config.create();
        // tlog.api (default rekor-v1) makes TlogServer register the Rekor v1 API itself.
        TlogServer server;
        try {
            server = Main.start(config, new TestAppendRoutes());
        } catch (LogIntegrityException e) { // as Main: one line, its own exit status
            System.err.println("tlog-service: " + e.getMessage());
            System.exit(LogIntegrityException.EXIT_CODE);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
