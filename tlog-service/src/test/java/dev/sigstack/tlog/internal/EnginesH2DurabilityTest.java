package dev.sigstack.tlog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log's H2 store commits to the file before a commit returns (WRITE_DELAY 0); the SIGKILL test of the whole
 * stack is the launcher's StackCrashIT.
 */
final class EnginesH2DurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void open_h2File_poolRunsWithWriteDelayZero() throws Exception {
        try (Engines engines = Engines.open(Databases.h2(tmp), 2, "");
                Connection c = engines.dataSource().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertTrue(rs.next(), "H2 reports its write delay");
            assertEquals("0", rs.getString(1), "H2's default (500 ms) would acknowledge commits not yet in the file");
        }
    }

    @Test
    void open_h2UrlWithAnotherWriteDelay_refused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Engines.open(Databases.h2(tmp) + ";WRITE_DELAY=500", 2, ""));
        assertTrue(e.getMessage().contains("WRITE_DELAY=500"), e.getMessage());
    }
}
