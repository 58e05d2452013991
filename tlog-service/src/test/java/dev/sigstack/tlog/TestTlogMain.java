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
        TlogServer.RoutingExtension rekor = Main.rekorV1(config);
        TestAppendRoutes test = new TestAppendRoutes();
        TlogServer server = Main.start(config, (routing, engine, key) -> {
            rekor.extend(routing, engine, key);
            test.extend(routing, engine, key);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
