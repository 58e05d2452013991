package dev.sigstack.tlog;

import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;

/** TEST-ONLY: runs the service as {@link Main} does, plus the {@link TestAppendRoutes} write routes. */
final class TestTlogMain {
    private TestTlogMain() {
    }

    public static void main(String[] args) throws Exception {
        LogConfig.configureRuntime();
        TlogServer server = Main.start(Config.create(), new TestAppendRoutes());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
