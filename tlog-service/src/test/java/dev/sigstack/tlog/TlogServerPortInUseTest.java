package dev.sigstack.tlog;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A port that is taken stops the start with an error, instead of a server that listens nowhere. */
final class TlogServerPortInUseTest {

    @Test
    void start_portInUse_throwsNamingThePort(@TempDir Path dataDir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TlogServer.start(
                    TlogServer.Config.defaults(dataDir).withHostname("tlog.test").withPort(port), null).close());
            assertTrue(e.getMessage().contains("127.0.0.1:" + port + " (address in use?)"), e.getMessage());
        }
        // the engines were closed: the same data directory starts again on a free port
        TlogServer.start(TlogServer.Config.defaults(dataDir).withHostname("tlog.test").withPort(0), null).close();
    }
}
